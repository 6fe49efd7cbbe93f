##! Nodes (concurrency.md §9.2). This interpreter runs a single node: there
##! is no distribution. Natives: mesh_interp/natives/node.py.
##! `self`, `monitor` and `spawn` are Mesh keywords, so they are declared as
##! `self_`, `monitor_` and `spawn_`; the Mesh names are `Node.self`,
##! `Node.monitor` and `Node.spawn`.

## Name this node ("name@host" or "name@host:port"): 0 ok, -1 already
## started, -3 invalid name. No listener is opened.
pub fn start(name :: String, cookie :: String) -> Int

## Connect to another node: -1 (and `mesh node: node not started` on stderr)
## before `Node.start`, -3 for an invalid name, 0 for this node's own name,
## otherwise -2 (distribution is not supported).
pub fn connect(name :: String) -> Int

## `Node.self()`: this node's name, or "" if `Node.start` was not called.
pub fn self_() -> String

## Connected nodes: always empty.
pub fn list() -> List<String>

## `Node.monitor(name)`: 0 if the node is started and the name valid (no
## notification ever arrives: no other node exists), else 1.
pub fn monitor_(name :: String) -> Int

## `Node.spawn(node, f, args...)` (variadic: the checker accepts any
## arguments after `node`): spawn `f(args...)` when `node` is this node's
## name or ""; any other node gives the null Pid.
pub fn spawn_<F>(node :: String, f :: F) -> Pid

## Same as `spawn`, and link the new process to the caller.
pub fn spawn_link<F>(node :: String, f :: F) -> Pid
