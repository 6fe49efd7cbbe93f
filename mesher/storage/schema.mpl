# The database schema, created at start-up (every statement is idempotent),
# and the optional bootstrap project + API key.

fn schema_statements() -> List<String> do
  [
    "CREATE TABLE IF NOT EXISTS projects (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE IF NOT EXISTS api_keys (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE, key_value text NOT NULL UNIQUE, label text NOT NULL DEFAULT '', created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz)",
    "CREATE TABLE IF NOT EXISTS issues (project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE, fingerprint text NOT NULL, title text NOT NULL, level text NOT NULL, event_count bigint NOT NULL DEFAULT 0, first_seen timestamptz NOT NULL DEFAULT now(), last_seen timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (project_id, fingerprint))",
    "CREATE TABLE IF NOT EXISTS events (id bigserial PRIMARY KEY, project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE, received_at timestamptz NOT NULL DEFAULT now(), level text NOT NULL, message text NOT NULL, fingerprint text NOT NULL, payload jsonb NOT NULL)",
    "CREATE INDEX IF NOT EXISTS events_project_received_idx ON events (project_id, received_at DESC)"
  ]
end

fn apply_statements_on(conn :: PgConn, stmts :: List<String>, i :: Int) -> Int!String do
  if i < List.length(stmts) do
    let _ = Pg.execute(conn, List.get(stmts, i), [])?
    apply_statements_on(conn, stmts, i + 1)
  else
    Ok(i)
  end
end

# Create the tables and indexes that do not exist yet. Two mesher instances
# starting together may race on CREATE ... IF NOT EXISTS; run it under an
# advisory lock.
pub fn migrate(pool :: PoolHandle) -> Int!String do
  let conn = Pool.checkout(pool)?
  let locked = Pg.execute(conn, "SELECT pg_advisory_lock(7263541)", [])
  let applied = apply_statements_on(conn, schema_statements(), 0)
  let _ = Pg.execute(conn, "SELECT pg_advisory_unlock(7263541)", [])
  Pool.checkin(pool, conn)
  case locked do
    Err(e) -> Err(e)
    Ok(_) -> applied
  end
end

# Make sure a project owns `key` (a development convenience).
pub fn bootstrap_key(pool :: PoolHandle, key :: String) -> String!String do
  let rows = Pool.query(pool, "SELECT project_id::text AS id FROM api_keys WHERE key_value = $1", [key])?
  if List.length(rows) > 0 do
    Ok(Map.get(List.head(rows), "id"))
  else
    let made = Pool.query(pool, "WITH p AS (INSERT INTO projects (name) VALUES ('default') RETURNING id) INSERT INTO api_keys (project_id, key_value, label) SELECT id, $1, 'bootstrap' FROM p RETURNING project_id::text AS id", [key])?
    Ok(Map.get(List.head(made), "id"))
  end
end
