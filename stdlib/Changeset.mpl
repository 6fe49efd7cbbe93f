##! Ecto-style casting and validation of string params (stdlib.md §14.5).
##! Changesets are opaque `Ptr` values; validators never short-circuit and
##! a field keeps its first error. Natives: mesh_interp/natives/changeset.py.

## `Changeset.cast(data, params, [:field, ...])` (`cast` is a keyword, so it is declared as `cast_`): keeps only the allowed params as changes.
pub fn cast_(data :: Map<String, String>, params :: Map<String, String>, allowed :: List<Atom>) -> Ptr

## Like `cast`, also coercing each change by its `"field:SQLTYPE"` entry (BIGINT, DOUBLE PRECISION, BOOLEAN, TEXT); failures are "is invalid".
pub fn cast_with_types(data :: Map<String, String>, params :: Map<String, String>, allowed :: List<Atom>, field_types :: List<String>) -> Ptr

## "can't be blank" for each field missing or empty in both changes and data.
pub fn validate_required(cs :: Ptr, fields :: List<Atom>) -> Ptr

## Byte length bounds of a change (-1: no bound): "should be at least N character(s)" / "should be at most N character(s)".
pub fn validate_length(cs :: Ptr, field :: Atom, min :: Int, max :: Int) -> Ptr

## "has invalid format" unless the change contains `pattern` (a substring, not a regex).
pub fn validate_format(cs :: Ptr, field :: Atom, pattern :: String) -> Ptr

## "is invalid" unless the change is one of `values`.
pub fn validate_inclusion(cs :: Ptr, field :: Atom, values :: List<String>) -> Ptr

## Integer bounds of a change (-1: unset): "is not a number", "must be greater than N", ...
pub fn validate_number(cs :: Ptr, field :: Atom, gt :: Int, lt :: Int, gte :: Int, lte :: Int) -> Ptr

## Whether the changeset has no errors.
pub fn valid(cs :: Ptr) -> Bool

## Field -> first error.
pub fn errors(cs :: Ptr) -> Map<String, String>

## Field -> accepted (and coerced) value.
pub fn changes(cs :: Ptr) -> Map<String, String>

## A change, or `""`.
pub fn get_change(cs :: Ptr, field :: Atom) -> String

## A field's error, or `""`.
pub fn get_error(cs :: Ptr, field :: Atom) -> String
