##! PostgreSQL connections (stdlib.md §14.3). Parameters (`$1`, `$2`, ...)
##! are Strings sent as untyped text (cast in SQL where needed: `$1::uuid`);
##! rows are maps from column name to text, NULL as `""`. Query errors read
##! `SQLSTATE\tconstraint\ttable\tcolumn\tmessage`.
##! Natives: mesh_interp/natives/pg.py.

## Connect to `postgres://user[:password]@host[:port][/database][?sslmode=disable|require|prefer]`.
pub fn connect(url :: String) -> Result<PgConn, String>

## Close the connection.
pub fn close(conn :: PgConn) -> ()

## Run one statement; the number of rows affected (0 for DDL).
pub fn execute(conn :: PgConn, sql :: String, params :: List<String>) -> Result<Int, String>

## Run a query; every row as a map of column name to text.
pub fn query(conn :: PgConn, sql :: String, params :: List<String>) -> Result<List<Map<String, String>>, String>

## Run a query and map every row through `from_row` (e.g. `User.from_row`); per-row failures stay in the list.
pub fn query_as<A>(conn :: PgConn, sql :: String, params :: List<String>, from_row :: Fun(Map<String, String>) -> Result<A, String>) -> Result<List<Result<A, String>>, String>

## `BEGIN`; the error is the server's message.
pub fn begin(conn :: PgConn) -> Result<(), String>

## `COMMIT`.
pub fn commit(conn :: PgConn) -> Result<(), String>

## `ROLLBACK`.
pub fn rollback(conn :: PgConn) -> Result<(), String>

## Run `f(conn)` inside BEGIN ... COMMIT; rolls back when `f` returns `Err` (which is returned) or panics (`Err("transaction aborted: panic in callback")`).
pub fn transaction(conn :: PgConn, f :: Fun(PgConn) -> Result<(), String>) -> Result<(), String>
