# SQL used on the ingestion path. Parameters travel as text; PostgreSQL
# does the JSON work (jsonb_array_elements) so that one statement writes a
# whole batch.

# The project that owns a live (not revoked) API key.
pub fn project_for_key(pool :: PoolHandle, key :: String) -> String!String do
  let rows = Pool.query(pool, "SELECT project_id::text AS id FROM api_keys WHERE key_value = $1 AND revoked_at IS NULL", [key])?
  if List.length(rows) > 0 do
    Ok(Map.get(List.head(rows), "id"))
  else
    Err("unknown API key")
  end
end

# Write a batch of enriched entries (JSON objects with fingerprint, level,
# message and payload) of one project: one events row per entry, in order,
# and the matching issues rows created or counted up. One statement, so a
# batch is written completely or not at all. The number of events written.
pub fn insert_batch(pool :: PoolHandle, project_id :: String, entries :: List<String>) -> Int!String do
  let doc = "[" <> String.join(entries, ",") <> "]"
  Pool.execute(pool, "WITH batch AS (SELECT x->>'fingerprint' AS fingerprint, x->>'level' AS level, x->>'message' AS message, x->'payload' AS payload, n FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(x, n)), counted AS (INSERT INTO issues AS i (project_id, fingerprint, title, level, event_count) SELECT $1::uuid, fingerprint, min(message), min(level), count(*) FROM batch GROUP BY fingerprint ON CONFLICT (project_id, fingerprint) DO UPDATE SET event_count = i.event_count + EXCLUDED.event_count, last_seen = now()) INSERT INTO events (project_id, level, message, fingerprint, payload) SELECT $1::uuid, level, message, fingerprint, payload FROM batch ORDER BY n", [project_id, doc])
end

pub fn ping(pool :: PoolHandle) -> Int!String do
  let rows = Pool.query(pool, "SELECT 1 AS ok", [])?
  Ok(List.length(rows))
end
