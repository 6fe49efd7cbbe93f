##! SQL text builders (stdlib.md §14.5), identical to the reference's output.
##! Identifiers are double-quoted. A where entry is `"col op"` (`"name ="`,
##! `"age >"`), `"col IS NULL"` or a bare column (meaning `=`); an order
##! entry is `"col ASC"`/`"col DESC"` or a bare column. Natives:
##! mesh_interp/natives/orm.py.

## `SELECT cols FROM "table" [WHERE ...] [ORDER BY ...] [LIMIT n] [OFFSET n]`; `[]` columns is `*`, -1 omits LIMIT/OFFSET.
pub fn build_select(table :: String, columns :: List<String>, where_clauses :: List<String>, order_by :: List<String>, limit :: Int, offset :: Int) -> String

## `INSERT INTO "table" (cols) VALUES ($1, ...) [RETURNING ...]`.
pub fn build_insert(table :: String, columns :: List<String>, returning :: List<String>) -> String

## `UPDATE "table" SET "c" = $1, ... [WHERE ...] [RETURNING ...]`; where placeholders follow the SET ones.
pub fn build_update(table :: String, columns :: List<String>, where_clauses :: List<String>, returning :: List<String>) -> String

## `DELETE FROM "table" [WHERE ...] [RETURNING ...]`.
pub fn build_delete(table :: String, where_clauses :: List<String>, returning :: List<String>) -> String
