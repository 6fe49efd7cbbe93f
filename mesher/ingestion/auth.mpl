# API keys: taken from the `x-sentry-auth` header (a bare key, or Sentry's
# "Sentry sentry_key=KEY, sentry_version=7, ..." form) or from
# `authorization` (a bare key or "Bearer KEY"); looked up in the database,
# where revoked keys do not count.

from Storage.Queries import project_for_key

fn first_header(request, names :: List<String>, i :: Int) -> Option<String> do
  if i < List.length(names) do
    let v = Request.header(request, List.get(names, i))
    case v do
      Some(text) -> Some(text)
      None -> first_header(request, names, i + 1)
    end
  else
    None
  end
end

fn strip_prefix(text :: String, prefix :: String) -> String do
  if String.starts_with(String.to_lower(text), String.to_lower(prefix)) do
    String.trim(String.slice(text, String.length(prefix), String.length(text)))
  else
    text
  end
end

fn sentry_key_part(parts :: List<String>, i :: Int) -> String do
  if i < List.length(parts) do
    let part = String.trim(List.get(parts, i))
    if String.starts_with(part, "sentry_key=") do
      String.slice(part, 11, String.length(part))
    else
      sentry_key_part(parts, i + 1)
    end
  else
    ""
  end
end

# The key inside a header value.
pub fn key_from_header(value :: String) -> String do
  let text = String.trim(value)
  if String.contains(text, "sentry_key=") do
    sentry_key_part(String.split(strip_prefix(text, "Sentry "), ","), 0)
  else
    String.trim(strip_prefix(text, "Bearer "))
  end
end

pub fn key_from_map(headers :: Map<String, String>, names :: List<String>, i :: Int) -> String do
  if i < List.length(names) do
    let name = List.get(names, i)
    if Map.has_key(headers, name) do
      key_from_header(Map.get(headers, name))
    else
      key_from_map(headers, names, i + 1)
    end
  else
    ""
  end
end

# Header names tried, in order (lookups are case-sensitive).
pub fn auth_headers() -> List<String> do
  ["x-sentry-auth", "X-Sentry-Auth", "authorization", "Authorization"]
end

pub fn request_key(request) -> String do
  let v = first_header(request, auth_headers(), 0)
  case v do
    Some(text) -> key_from_header(text)
    None -> ""
  end
end

# The project id of a key; Err when the key is empty, unknown or revoked.
pub fn authenticate_key(pool :: PoolHandle, key :: String) -> String!String do
  if key == "" do
    Err("missing API key")
  else
    project_for_key(pool, key)
  end
end
