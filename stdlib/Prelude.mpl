##! Unqualified builtins, available everywhere without an import
##! (stdlib.md §0.2). A `pub fn` without a body is a native implemented in
##! mesh_interp/natives/prelude.py; the `<module>_<name>` aliases below are
##! plain Mesh wrappers around the module functions.

## Write `s` and a newline to stdout.
pub fn println(s :: String) -> ()

## Write `s` to stdout without a newline.
pub fn print(s :: String) -> ()

## Apply `f` to every element, in order (same as `List.map`).
pub fn map<T, U>(xs :: List<T>, f :: Fun(T) -> U) -> List<U>

## The elements for which `p` is true, order kept (same as `List.filter`).
pub fn filter<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> List<T>

## Left fold: `f(f(init, x1), x2)...`; `init` for an empty list (same as `List.reduce`).
pub fn reduce<T, U>(xs :: List<T>, init :: U, f :: Fun(U, T) -> U) -> U

## The first element; panics on an empty list (same as `List.head`).
pub fn head<T>(xs :: List<T>) -> T

## All but the first element; panics on an empty list (same as `List.tail`).
pub fn tail<T>(xs :: List<T>) -> List<T>

## The `Default` value of the expected type (Int 0, Float 0.0, Bool false,
## String "", or the type's `impl Default`).
pub fn default<T>() -> T

## `Ord` comparison: `Less`, `Equal` or `Greater`.
pub fn compare<T>(a :: T, b :: T) -> Ordering

# ---------------------------------------------------------------- String aliases

pub fn string_length(s :: String) -> Int = String.length(s)
pub fn string_slice(s :: String, start :: Int, stop :: Int) -> String = String.slice(s, start, stop)
pub fn string_contains(s :: String, sub :: String) -> Bool = String.contains(s, sub)
pub fn string_starts_with(s :: String, prefix :: String) -> Bool = String.starts_with(s, prefix)
pub fn string_ends_with(s :: String, suffix :: String) -> Bool = String.ends_with(s, suffix)
pub fn string_trim(s :: String) -> String = String.trim(s)
pub fn string_to_upper(s :: String) -> String = String.to_upper(s)
pub fn string_to_lower(s :: String) -> String = String.to_lower(s)
pub fn string_replace(s :: String, pattern :: String, replacement :: String) -> String = String.replace(s, pattern, replacement)
pub fn string_split(s :: String, delim :: String) -> List<String> = String.split(s, delim)
pub fn string_join(parts :: List<String>, sep :: String) -> String = String.join(parts, sep)
pub fn string_to_int(s :: String) -> Option<Int> = String.to_int(s)
pub fn string_to_float(s :: String) -> Option<Float> = String.to_float(s)

# ---------------------------------------------------------------- File, IO, Env aliases

pub fn file_read(path :: String) -> Result<String, String> = File.read(path)
pub fn file_write(path :: String, content :: String) -> Result<(), String> = File.write(path, content)
pub fn file_append(path :: String, content :: String) -> Result<(), String> = File.append(path, content)
pub fn file_exists(path :: String) -> Bool = File.exists(path)
pub fn file_delete(path :: String) -> Result<(), String> = File.delete(path)
pub fn io_read_line() -> Result<String, String> = IO.read_line()
pub fn io_eprintln(s :: String) -> () = IO.eprintln(s)
pub fn env_get(name :: String) -> Option<String> = Env.get(name)

# ---------------------------------------------------------------- List aliases

pub fn list_new<T>() -> List<T> = List.new()
pub fn list_length<T>(xs :: List<T>) -> Int = List.length(xs)
pub fn list_append<T>(xs :: List<T>, x :: T) -> List<T> = List.append(xs, x)
pub fn list_get<T>(xs :: List<T>, i :: Int) -> T = List.get(xs, i)
pub fn list_concat<T>(a :: List<T>, b :: List<T>) -> List<T> = List.concat(a, b)
pub fn list_reverse<T>(xs :: List<T>) -> List<T> = List.reverse(xs)
pub fn list_map<T, U>(xs :: List<T>, f :: Fun(T) -> U) -> List<U> = List.map(xs, f)
pub fn list_filter<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> List<T> = List.filter(xs, p)
pub fn list_reduce<T, U>(xs :: List<T>, init :: U, f :: Fun(U, T) -> U) -> U = List.reduce(xs, init, f)
pub fn list_head<T>(xs :: List<T>) -> T = List.head(xs)
pub fn list_tail<T>(xs :: List<T>) -> List<T> = List.tail(xs)
pub fn list_sort<T>(xs :: List<T>, cmp :: Fun(T, T) -> Int) -> List<T> = List.sort(xs, cmp)
pub fn list_find<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Option<T> = List.find(xs, p)
pub fn list_any<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Bool = List.any(xs, p)
pub fn list_all<T>(xs :: List<T>, p :: Fun(T) -> Bool) -> Bool = List.all(xs, p)
pub fn list_contains<T>(xs :: List<T>, x :: T) -> Bool = List.contains(xs, x)
pub fn list_zip<T, U>(a :: List<T>, b :: List<U>) -> List<(T, U)> = List.zip(a, b)
pub fn list_flat_map<T, U>(xs :: List<T>, f :: Fun(T) -> List<U>) -> List<U> = List.flat_map(xs, f)
pub fn list_flatten<T>(xss :: List<List<T>>) -> List<T> = List.flatten(xss)
pub fn list_enumerate<T>(xs :: List<T>) -> List<(Int, T)> = List.enumerate(xs)
pub fn list_take<T>(xs :: List<T>, n :: Int) -> List<T> = List.take(xs, n)
pub fn list_drop<T>(xs :: List<T>, n :: Int) -> List<T> = List.drop(xs, n)
pub fn list_last<T>(xs :: List<T>) -> T = List.last(xs)
pub fn list_nth<T>(xs :: List<T>, i :: Int) -> T = List.nth(xs, i)

# ---------------------------------------------------------------- Map aliases

pub fn map_new<K, V>() -> Map<K, V> = Map.new()
pub fn map_put<K, V>(m :: Map<K, V>, k :: K, v :: V) -> Map<K, V> = Map.put(m, k, v)
pub fn map_get<K, V>(m :: Map<K, V>, k :: K) -> V = Map.get(m, k)
pub fn map_has_key<K, V>(m :: Map<K, V>, k :: K) -> Bool = Map.has_key(m, k)
pub fn map_delete<K, V>(m :: Map<K, V>, k :: K) -> Map<K, V> = Map.delete(m, k)
pub fn map_size<K, V>(m :: Map<K, V>) -> Int = Map.size(m)
pub fn map_keys<K, V>(m :: Map<K, V>) -> List<K> = Map.keys(m)
pub fn map_values<K, V>(m :: Map<K, V>) -> List<V> = Map.values(m)
pub fn map_merge<K, V>(a :: Map<K, V>, b :: Map<K, V>) -> Map<K, V> = Map.merge(a, b)
pub fn map_to_list<K, V>(m :: Map<K, V>) -> List<(K, V)> = Map.to_list(m)
pub fn map_from_list<K, V>(pairs :: List<(K, V)>) -> Map<K, V> = Map.from_list(pairs)

# ---------------------------------------------------------------- Set aliases

pub fn set_new() -> Set = Set.new()
pub fn set_add(s :: Set, x :: Int) -> Set = Set.add(s, x)
pub fn set_remove(s :: Set, x :: Int) -> Set = Set.remove(s, x)
pub fn set_contains(s :: Set, x :: Int) -> Bool = Set.contains(s, x)
pub fn set_size(s :: Set) -> Int = Set.size(s)
pub fn set_union(a :: Set, b :: Set) -> Set = Set.union(a, b)
pub fn set_intersection(a :: Set, b :: Set) -> Set = Set.intersection(a, b)
pub fn set_difference(a :: Set, b :: Set) -> Set = Set.difference(a, b)
pub fn set_to_list(s :: Set) -> List<Int> = Set.to_list(s)
pub fn set_from_list(xs :: List<Int>) -> Set = Set.from_list(xs)

# ---------------------------------------------------------------- Tuple, Range, Queue aliases

pub fn tuple_nth(t :: Tuple, i :: Int) -> Int = Tuple.nth(t, i)
pub fn tuple_first(t :: Tuple) -> Int = Tuple.first(t)
pub fn tuple_second(t :: Tuple) -> Int = Tuple.second(t)
pub fn tuple_size(t :: Tuple) -> Int = Tuple.size(t)
pub fn range_new(a :: Int, b :: Int) -> Range = Range.new(a, b)
pub fn range_to_list(r :: Range) -> List<Int> = Range.to_list(r)
pub fn range_map(r :: Range, f :: Fun(Int) -> Int) -> List<Int> = Range.map(r, f)
pub fn range_filter(r :: Range, p :: Fun(Int) -> Bool) -> List<Int> = Range.filter(r, p)
pub fn range_length(r :: Range) -> Int = Range.length(r)
pub fn queue_new() -> Queue = Queue.new()
pub fn queue_push(q :: Queue, x :: Int) -> Queue = Queue.push(q, x)
pub fn queue_pop(q :: Queue) -> Tuple = Queue.pop(q)
pub fn queue_peek(q :: Queue) -> Int = Queue.peek(q)
pub fn queue_size(q :: Queue) -> Int = Queue.size(q)
pub fn queue_is_empty(q :: Queue) -> Bool = Queue.is_empty(q)

# ---------------------------------------------------------------- JSON aliases

pub fn json_parse(s :: String) -> Result<Json, String> = JSON.parse(s)
pub fn json_encode(j :: Json) -> String = JSON.encode(j)
pub fn json_encode_string(s :: String) -> String = JSON.encode_string(s)
pub fn json_encode_int(i :: Int) -> String = JSON.encode_int(i)
pub fn json_encode_bool(b :: Bool) -> String = JSON.encode_bool(b)
pub fn json_encode_map(m :: Map) -> String = JSON.encode_map(m)
pub fn json_encode_list(xs :: List) -> String = JSON.encode_list(xs)

# The http_*, request_*, sqlite_*, pg_* and pool_* aliases of §0.2 belong
# with those modules (HTTP.mpl, Request.mpl, Sqlite.mpl, Pg.mpl, Pool.mpl).
