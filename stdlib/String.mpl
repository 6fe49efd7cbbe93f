##! String functions (stdlib.md §2). Positions and lengths count Unicode
##! scalar values, not bytes. Natives: mesh_interp/natives/string.py.

## Number of Unicode scalar values in `s` (`"café"` has 4).
pub fn length(s :: String) -> Int

## Characters `[start, stop)`; both bounds clamped to `[0, length]`, empty when `stop <= start`. Never fails.
pub fn slice(s :: String, start :: Int, stop :: Int) -> String

## Whether `sub` occurs in `s` (always true for `""`).
pub fn contains(s :: String, sub :: String) -> Bool

## Whether `s` begins with `prefix`.
pub fn starts_with(s :: String, prefix :: String) -> Bool

## Whether `s` ends with `suffix`.
pub fn ends_with(s :: String, suffix :: String) -> Bool

## `s` without leading and trailing Unicode whitespace.
pub fn trim(s :: String) -> String

## Full Unicode upper-casing (`"straße"` becomes `"STRASSE"`).
pub fn to_upper(s :: String) -> String

## Full Unicode lower-casing.
pub fn to_lower(s :: String) -> String

## Replace every non-overlapping occurrence of `pattern`, left to right; an empty `pattern` inserts `replacement` between all characters and at both ends.
pub fn replace(s :: String, pattern :: String, replacement :: String) -> String

## Split on every `delim`: `split("a,,b,", ",")` is `["a", "", "b", ""]`, `split("", ",")` is `[""]`.
pub fn split(s :: String, delim :: String) -> List<String>

## Concatenate `parts` with `sep` between them (the list comes first).
pub fn join(parts :: List<String>, sep :: String) -> String

## Parse a signed 64-bit decimal after trimming whitespace (`"+5"`, `"007"`); `None` if invalid or out of range.
pub fn to_int(s :: String) -> Option<Int>

## Parse a Float after trimming (`"1e3"`, `".5"`, `"inf"`, `"NaN"`); `None` if invalid.
pub fn to_float(s :: String) -> Option<Float>

## The Display text of `x` (Int, Float, Bool, ...).
pub fn from<T>(x :: T) -> String

## Concatenate an iterator of Strings.
pub fn collect(it :: Ptr) -> String
