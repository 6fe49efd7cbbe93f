##! JSON (stdlib.md §10). `JSON` and `Json` are the same module except for
##! `encode`, which `Json` accepts for any value. Output is compact with
##! object keys sorted. Natives: mesh_interp/natives/json.py.

## Parse JSON text; `Err` carries the parser message (e.g. `expected value at line 1 column 1`).
pub fn parse(s :: String) -> Result<Json, String>

## The JSON text of a Json value (compact, object keys sorted).
pub fn encode(j :: Json) -> String

## A JSON string literal, quotes included.
pub fn encode_string(s :: String) -> String

## A JSON integer.
pub fn encode_int(i :: Int) -> String

## `true` or `false`.
pub fn encode_bool(b :: Bool) -> String

## A JSON object of a `Map<String, String>` (keys sorted).
pub fn encode_map(m :: Map) -> String

## A JSON array of a `List<String>`.
pub fn encode_list(xs :: List) -> String

## Member `key` of a JSON object text: strings raw, numbers and booleans as JSON text, objects and arrays as compact JSON, `""` for null, a missing key or invalid JSON. Never fails.
pub fn get(json :: String, key :: String) -> String

## Member `k2` of member `k1`, converted like `get`.
pub fn get_nested(json :: String, k1 :: String, k2 :: String) -> String
