# mesher: an error-monitoring ingestion service.
#
#   mesh run mesher/main.mpl          (DATABASE_URL must point at PostgreSQL)
#   python mesher/launch.py           (starts a private PostgreSQL if it does not)
#
# Start-up: configuration from the environment, a connection pool, the
# schema, the pipeline services (RateLimiter, EventProcessor, StorageWriter,
# PipelineRegistry, tickers, health checker), the WebSocket server, then
# the HTTP server. SIGTERM / Ctrl-C write every buffered event before exit.

from Config import Config, load_config
from Storage.Schema import migrate, bootstrap_key
from Ingestion.Pipeline import start_pipeline, drain_pipeline
from Ingestion.Routes import handle_event, handle_bulk, handle_health, handle_debug_crash, handle_debug_crash_processor
from Ingestion.WsHandler import ws_on_connect, ws_on_message, ws_on_close, start_sessions

fn router(config :: Config) do
  let r = HTTP.router()
    |> HTTP.on_post("/api/v1/events", handle_event)
    |> HTTP.on_post("/api/v1/events/bulk", handle_bulk)
    |> HTTP.on_get("/health", handle_health)
    |> HTTP.on_get("/api/v1/health", handle_health)
  if config.debug_routes do
    r
      |> HTTP.on_post("/api/v1/debug/crash", handle_debug_crash)
      |> HTTP.on_post("/api/v1/debug/crash-processor", handle_debug_crash_processor)
  else
    r
  end
end

fn bootstrap(pool :: PoolHandle, key :: String) do
  if key != "" do
    let r = bootstrap_key(pool, key)
    case r do
      Ok(project_id) -> println("[Mesher] API key ${key} belongs to project ${project_id}")
      Err(e) -> println("[Mesher] could not create the bootstrap key: ${e}")
    end
  end
end

fn on_shutdown() do
  let _ = drain_pipeline()
  println("[Mesher] stopped")
end

fn serve(config :: Config, pool :: PoolHandle) do
  let _ = start_pipeline(config, pool)
  let _ = start_sessions()
  Process.on_shutdown(on_shutdown)
  Ws.serve(ws_on_connect, ws_on_message, ws_on_close, config.ws_port)
  println("[Mesher] ingesting on http://0.0.0.0:${config.http_port}/api/v1/events and ws://0.0.0.0:${config.ws_port}/")
  HTTP.serve(router(config), config.http_port)
end

fn started(config :: Config, pool :: PoolHandle) do
  bootstrap(pool, config.bootstrap_key)
  serve(config, pool)
end

fn with_schema(config :: Config, pool :: PoolHandle) do
  let migrated = migrate(pool)
  case migrated do
    Ok(_) -> started(config, pool)
    Err(e) -> println("[Mesher] could not create the schema: ${e}")
  end
end

fn main() do
  let config = load_config()
  println("[Mesher] connecting to PostgreSQL")
  let opened = Pool.open(config.database_url, 1, config.pool_size, 5000)
  case opened do
    Ok(pool) -> with_schema(config, pool)
    Err(e) -> println("[Mesher] cannot reach PostgreSQL (${e}); set DATABASE_URL, or run `python mesher/launch.py`, which starts a private server")
  end
end
