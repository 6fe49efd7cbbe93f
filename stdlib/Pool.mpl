##! A pool of PostgreSQL connections (stdlib.md §14.4). Results and errors
##! are those of `Pg`. Natives: mesh_interp/natives/pool.py.

## Open a pool of `min`..`max` connections (`min` opened now); `timeout_ms` bounds a checkout's wait (at least 100).
pub fn open(url :: String, min :: Int, max :: Int, timeout_ms :: Int) -> Result<PoolHandle, String>

## Close idle connections and refuse further checkouts.
pub fn close(pool :: PoolHandle) -> ()

## Take a connection: an idle one, a new one while under `max`, else wait (`Err("pool checkout timeout")`).
pub fn checkout(pool :: PoolHandle) -> Result<PgConn, String>

## Return a connection (rolled back first if left inside a transaction).
pub fn checkin(pool :: PoolHandle, conn :: PgConn) -> ()

## Check out, `Pg.query`, check in.
pub fn query(pool :: PoolHandle, sql :: String, params :: List<String>) -> Result<List<Map<String, String>>, String>

## Check out, `Pg.execute`, check in.
pub fn execute(pool :: PoolHandle, sql :: String, params :: List<String>) -> Result<Int, String>

## Check out, `Pg.query_as`, check in.
pub fn query_as<A>(pool :: PoolHandle, sql :: String, params :: List<String>, from_row :: Fun(Map<String, String>) -> Result<A, String>) -> Result<List<Result<A, String>>, String>
