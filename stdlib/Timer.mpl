##! Timers (concurrency.md §7). Natives: mesh_interp/natives/timer.py.

## Suspend the calling process for `ms` milliseconds without blocking the
## others; the mailbox is left alone. `ms <= 0` returns at once.
pub fn sleep(ms :: Int) -> ()

## After `ms` milliseconds (negative counts as 0) send `msg` to `pid`, like
## `send`; dropped if the process is gone. Returns at once. A pending
## delivery does not keep the program alive after `main` returns.
pub fn send_after<T>(pid :: Pid<T>, ms :: Int, msg :: T) -> ()
