##! An immutable SELECT builder (stdlib.md §14.5), run by `Repo.all/one/
##! count/exists`. Queries are opaque `Ptr` values; field names are atoms
##! (`:name`). Clause order: SELECT, FROM, JOINs, WHERE, GROUP BY, HAVING,
##! fragments, ORDER BY, LIMIT, OFFSET. Natives: mesh_interp/natives/query.py.

## `Query.where(q, :field, value)` (`where` is a keyword, so it is declared as `where_`): adds `"field" = $n`.
pub fn where_(q :: Ptr, field :: Atom, value :: String) -> Ptr

## `SELECT * FROM "table"`.
pub fn from(table :: String) -> Ptr

## Adds `"field" <op> $n`; op is `:eq :neq :lt :gt :lte :gte :like` (anything else is `=`).
pub fn where_op(q :: Ptr, field :: Atom, op :: Atom, value :: String) -> Ptr

## Adds `"field" IN ($n, ...)`.
pub fn where_in(q :: Ptr, field :: Atom, values :: Ptr) -> Ptr

## Adds `"field" IS NULL`.
pub fn where_null(q :: Ptr, field :: Atom) -> Ptr

## Adds `"field" IS NOT NULL`.
pub fn where_not_null(q :: Ptr, field :: Atom) -> Ptr

## Adds a raw condition; each `?` becomes the next `$n`, bound to the next of `params`.
pub fn where_raw(q :: Ptr, clause :: String, params :: List<String>) -> Ptr

## Replaces the column list (each quoted).
pub fn select(q :: Ptr, fields :: List<String>) -> Ptr

## Appends raw select expressions, unquoted.
pub fn select_raw(q :: Ptr, expressions :: List<String>) -> Ptr

## Adds `ORDER BY "field" ASC|DESC` (`:asc`/`:desc`; anything else is ASC).
pub fn order_by(q :: Ptr, field :: Atom, direction :: Atom) -> Ptr

## `LIMIT n`.
pub fn limit(q :: Ptr, n :: Int) -> Ptr

## `OFFSET n`.
pub fn offset(q :: Ptr, n :: Int) -> Ptr

## Adds `<INNER|LEFT|RIGHT> JOIN "table" ON <on_clause>` (`:inner`, `:left`, `:right`).
pub fn join(q :: Ptr, kind :: Atom, table :: String, on_clause :: String) -> Ptr

## Adds a `GROUP BY "field"` column.
pub fn group_by(q :: Ptr, field :: Atom) -> Ptr

## Adds `HAVING <clause> $n` bound to `value` (e.g. `having(q, "count(*) >", "5")`).
pub fn having(q :: Ptr, clause :: String, value :: String) -> Ptr

## Appends raw SQL after HAVING; each `?` becomes the next `$n`.
pub fn fragment(q :: Ptr, sql :: String, params :: Ptr) -> Ptr
