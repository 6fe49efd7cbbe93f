##! Global: the cluster-wide process registry (one node here).

## Register `pid` under `name`: 0 on success, 1 when the name is taken.
pub fn register(name :: String, pid :: Pid) -> Int

## The Pid registered under `name`, or the null Pid (0) when none.
pub fn whereis(name :: String) -> Pid

## Remove `name`: 0 when removed, 1 when it was not registered.
pub fn unregister(name :: String) -> Int
