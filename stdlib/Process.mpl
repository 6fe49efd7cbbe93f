##! The local process registry and monitors (concurrency.md §3.2, §6).
##! Natives: mesh_interp/natives/process.py.
##! `monitor` is a Mesh keyword, so it is declared as `monitor_`; the Mesh
##! name is `Process.monitor`.

## Register `pid` under `name` on this node: 0 on success, 1 if the name is
## already taken (even by the same pid) or the process is not alive. A
## process may have several names; they are released when it exits.
pub fn register(name :: String, pid :: Pid) -> Int

## The Pid registered under `name`, or the null Pid (0) when there is none.
pub fn whereis(name :: String) -> Pid

## `Process.monitor(pid)`: monitor `pid` and return a reference. When the
## process exits (at once if it is not alive) the caller receives the tuple
## `(:down, ref, pid, reason)`; reason is "normal", "shutdown", "killed",
## "noproc" or the error message of a crash.
pub fn monitor_(pid :: Pid) -> Int

## Remove a monitor: 0 if it was active, 1 if the reference is unknown.
pub fn demonitor(ref :: Int) -> Int

## Run `f()` when the program receives SIGTERM or SIGINT (Ctrl-C). The first
## such signal runs every registered callback, in registration order, in a
## new process (they may call services, query databases, sleep); the program
## then exits with status 0. A second signal meanwhile exits at once (143 or
## 130). Without any callback the signals keep their usual effect.
## (An extension: the reference has no shutdown hook.)
pub fn on_shutdown<T>(f :: Fun() -> T) -> ()
