##! Schema changes run through `Pool.execute` (stdlib.md §14.5); each returns
##! the statement's row count or the database error.
##! Natives: mesh_interp/natives/migration.py.

## `CREATE TABLE IF NOT EXISTS "t" (...)`; each column is `"name:TYPE"`, `"name:TYPE:CONSTRAINTS"` or raw SQL.
pub fn create_table(pool :: PoolHandle, table :: String, columns :: List<String>) -> Result<Int, String>

## `DROP TABLE IF EXISTS "t"`.
pub fn drop_table(pool :: PoolHandle, table :: String) -> Result<Int, String>

## `ALTER TABLE "t" ADD COLUMN IF NOT EXISTS ...` from a column spec.
pub fn add_column(pool :: PoolHandle, table :: String, column :: String) -> Result<Int, String>

## `ALTER TABLE "t" DROP COLUMN IF EXISTS "c"`.
pub fn drop_column(pool :: PoolHandle, table :: String, column :: String) -> Result<Int, String>

## `ALTER TABLE "t" RENAME COLUMN "old" TO "new"`.
pub fn rename_column(pool :: PoolHandle, table :: String, old_name :: String, new_name :: String) -> Result<Int, String>

## `CREATE [UNIQUE] INDEX IF NOT EXISTS "idx_<t>_<cols>" ON "t" (...) [WHERE ...]`; options may hold `unique:true` and `where:<condition>`.
pub fn create_index(pool :: PoolHandle, table :: String, columns :: List<String>, options :: String) -> Result<Int, String>

## `DROP INDEX IF EXISTS "idx_<t>_<cols>"`.
pub fn drop_index(pool :: PoolHandle, table :: String, columns :: List<String>) -> Result<Int, String>

## Run raw SQL.
pub fn execute(pool :: PoolHandle, sql :: String) -> Result<Int, String>
