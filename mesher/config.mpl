# Configuration from the environment, read once at start-up.
#
#   DATABASE_URL                 PostgreSQL server (default postgres://postgres@127.0.0.1:5432/mesher)
#   MESHER_HTTP_PORT             HTTP port (8080)
#   MESHER_WS_PORT               WebSocket port (8081)
#   MESHER_RATE_WINDOW_SECONDS   rate-limit window length (60)
#   MESHER_RATE_LIMIT            events per project per window (1000)
#   MESHER_BATCH_SIZE            events per project that trigger a write (50)
#   MESHER_FLUSH_INTERVAL_MS     timer flush of every buffer (1000)
#   MESHER_RETRY_BASE_MS         first retry delay of a failed write (250; then x4, x10)
#   MESHER_MAX_EVENT_BYTES       size limit of one event (1048576)
#   MESHER_MAX_BULK_BYTES        size limit of a bulk request (5242880)
#   MESHER_POOL_SIZE             database connections (10)
#   MESHER_HEALTH_INTERVAL_MS    health-check period (10000)
#   MESHER_DEAD_LETTER_FILE      where events that cannot be written go (mesher/.data/dead_letter.jsonl)
#   MESHER_BOOTSTRAP_KEY         create a project with this API key if none has it
#   MESHER_DEBUG_ROUTES          "1" adds /api/v1/debug/* (used by the tests)

pub struct Config do
  database_url :: String
  http_port :: Int
  ws_port :: Int
  rate_window_seconds :: Int
  rate_limit :: Int
  batch_size :: Int
  flush_interval_ms :: Int
  retry_base_ms :: Int
  max_event_bytes :: Int
  max_bulk_bytes :: Int
  pool_size :: Int
  health_interval_ms :: Int
  dead_letter_file :: String
  bootstrap_key :: String
  debug_routes :: Bool
end

pub fn env_or(name :: String, fallback :: String) -> String do
  case Env.get(name) do
    Some(v) -> if String.trim(v) == "" do fallback else String.trim(v) end
    None -> fallback
  end
end

# A positive integer from the environment; the fallback when unset or invalid.
pub fn env_int(name :: String, fallback :: Int) -> Int do
  let parsed = String.to_int(env_or(name, ""))
  case parsed do
    Some(n) -> if n > 0 do n else fallback end
    None -> fallback
  end
end

pub fn load_config() -> Config do
  Config {
    database_url: env_or("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mesher"),
    http_port: env_int("MESHER_HTTP_PORT", 8080),
    ws_port: env_int("MESHER_WS_PORT", 8081),
    rate_window_seconds: env_int("MESHER_RATE_WINDOW_SECONDS", 60),
    rate_limit: env_int("MESHER_RATE_LIMIT", 1000),
    batch_size: env_int("MESHER_BATCH_SIZE", 50),
    flush_interval_ms: env_int("MESHER_FLUSH_INTERVAL_MS", 1000),
    retry_base_ms: env_int("MESHER_RETRY_BASE_MS", 250),
    max_event_bytes: env_int("MESHER_MAX_EVENT_BYTES", 1048576),
    max_bulk_bytes: env_int("MESHER_MAX_BULK_BYTES", 5242880),
    pool_size: env_int("MESHER_POOL_SIZE", 10),
    health_interval_ms: env_int("MESHER_HEALTH_INTERVAL_MS", 10000),
    dead_letter_file: env_or("MESHER_DEAD_LETTER_FILE", "mesher/.data/dead_letter.jsonl"),
    bootstrap_key: env_or("MESHER_BOOTSTRAP_KEY", ""),
    debug_routes: env_or("MESHER_DEBUG_ROUTES", "") == "1"
  }
end
