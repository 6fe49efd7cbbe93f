##! Run queries and table operations through a connection pool (stdlib.md
##! §14.5). Rows are `Map<String, String>`; errors are those of `Pool`. The
##! types declared `Ptr` are, at run time, the Results described.
##! Natives: mesh_interp/natives/repo.py.

## All rows of a `Query`.
pub fn all(pool :: PoolHandle, q :: Ptr) -> Result<List<Map<String, String>>, String>

## The first row (LIMIT 1), or `Err("not found")`; a Result<Map<String, String>, String>.
pub fn one(pool :: PoolHandle, q :: Ptr) -> Ptr

## The row whose `id` is `id`, or `Err("not found")`.
pub fn get(pool :: PoolHandle, table :: String, id :: String) -> Result<Map<String, String>, String>

## The first row whose `field` is `value`, or `Err("not found")`.
pub fn get_by(pool :: PoolHandle, table :: String, field :: String, value :: String) -> Result<Map<String, String>, String>

## `SELECT COUNT(*)` of a query; a Result<Int, String>.
pub fn count(pool :: PoolHandle, q :: Ptr) -> Ptr

## `SELECT EXISTS(...)` of a query; a Result<Bool, String>.
pub fn exists(pool :: PoolHandle, q :: Ptr) -> Ptr

## `INSERT ... RETURNING *` of the map's columns in order; the inserted row.
pub fn insert(pool :: PoolHandle, table :: String, fields :: Map<String, String>) -> Result<Map<String, String>, String>

## `UPDATE ... WHERE "id" = $n RETURNING *`; a Result<Map<String, String>, String>.
pub fn update(pool :: PoolHandle, table :: String, id :: String, fields :: Ptr) -> Ptr

## `DELETE ... WHERE "id" = $1 RETURNING *`; the deleted row.
pub fn delete(pool :: PoolHandle, table :: String, id :: String) -> Result<Map<String, String>, String>

## Check out a connection and run `f(conn)` inside BEGIN/COMMIT (ROLLBACK on `Err` or a panic); the callback's Result.
pub fn transaction(pool :: PoolHandle, f :: Fun(Ptr) -> Ptr) -> Ptr

## Bulk `UPDATE` of the rows a query's WHERE selects (refused without one); the first updated row.
pub fn update_where(pool :: PoolHandle, table :: String, fields :: Ptr, q :: Ptr) -> Ptr

## Bulk `DELETE` of the rows a query's WHERE selects (refused without one); the count.
pub fn delete_where(pool :: PoolHandle, table :: String, q :: Ptr) -> Ptr

## `Pool.query`.
pub fn query_raw(pool :: PoolHandle, sql :: String, params :: List<String>) -> Result<List<Map<String, String>>, String>

## `Pool.execute`.
pub fn execute_raw(pool :: PoolHandle, sql :: String, params :: List<String>) -> Result<Int, String>

## Insert a valid changeset's changes; `Err(changeset)` when invalid or on a constraint violation (mapped to a field error).
pub fn insert_changeset(pool :: PoolHandle, table :: String, cs :: Ptr) -> Ptr

## Update row `id` from a valid changeset; errors as `insert_changeset`.
pub fn update_changeset(pool :: PoolHandle, table :: String, id :: String, cs :: Ptr) -> Ptr

## Load associations (`"posts"`, `"posts.comments"`) into each row using `S.__relationship_meta__()`.
pub fn preload(pool :: PoolHandle, rows :: Ptr, associations :: Ptr, rel_meta :: Ptr) -> Ptr
