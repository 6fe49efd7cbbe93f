##! SQLite databases (stdlib.md §14.2). Parameters are bound as text (`?`
##! placeholders); rows are maps from column name to text, NULL as `""`.
##! Errors are SQLite's messages. Natives: mesh_interp/natives/sqlite.py.

## Open (creating if missing) a database file read-write; `":memory:"` for an in-memory one.
pub fn open(path :: String) -> Result<SqliteConn, String>

## Close the connection.
pub fn close(db :: SqliteConn) -> ()

## Run the first statement of `sql` with `params`; the number of rows changed.
pub fn execute(db :: SqliteConn, sql :: String, params :: List<String>) -> Result<Int, String>

## Run a query; every row as a map of column name to text.
pub fn query(db :: SqliteConn, sql :: String, params :: List<String>) -> Result<List<Map<String, String>>, String>

## `BEGIN` a transaction.
pub fn begin(db :: SqliteConn) -> Result<(), String>

## `COMMIT` the transaction.
pub fn commit(db :: SqliteConn) -> Result<(), String>

## `ROLLBACK` the transaction.
pub fn rollback(db :: SqliteConn) -> Result<(), String>
