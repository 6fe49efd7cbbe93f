# WebSocket ingestion (port MESHER_WS_PORT): the client authenticates with
# the same headers as HTTP when it connects (an unknown key is rejected with
# close code 1008); then every text message is one event, answered with
# {"status":"accepted"} or {"error": ...}. The connection's project is kept
# in the WsSessions service.

from Ingestion.Auth import auth_headers, key_from_map, authenticate_key
from Ingestion.Pipeline import Pipeline, current_pipeline
from Services.RateLimiter import RateLimiter
from Services.EventProcessor import EventProcessor, Outcome

service WsSessions do
  fn init() -> Map<Int, String> do
    Map.new()
  end

  cast Open(conn :: Int, project_id :: String) do |sessions|
    Map.put(sessions, conn, project_id)
  end

  cast Close(conn :: Int) do |sessions|
    Map.delete(sessions, conn)
  end

  # The project of a connection ("" if unknown).
  call ProjectOf(conn :: Int) :: String do |sessions|
    (sessions, if Map.has_key(sessions, conn) do Map.get(sessions, conn) else "" end)
  end

  call Count() :: Int do |sessions|
    (sessions, Map.size(sessions))
  end
end

pub fn start_sessions() do
  let pid = WsSessions.start()
  let _ = Process.register("mesher_ws_sessions", pid)
  pid
end

fn sessions() do
  Process.whereis("mesher_ws_sessions")
end

fn reply(conn :: Int, text :: String) do
  let _ = Ws.send(conn, text)
  nil
end

fn reply_error(conn :: Int, reason :: String) do
  reply(conn, "{\"error\":" <> JSON.encode_string(reason) <> "}")
end

fn accept(conn :: Int, project_id :: String) -> Int do
  WsSessions.open(sessions(), conn, project_id)
  conn
end

pub fn ws_on_connect(conn :: Int, path :: String, headers :: Map<String, String>) -> Int do
  let p = current_pipeline()
  let auth = authenticate_key(p.pool, key_from_map(headers, auth_headers(), 0))
  case auth do
    Ok(project_id) -> accept(conn, project_id)
    Err(_) -> 0
  end
end

fn reply_outcome(conn :: Int, outcome :: Outcome) do
  case outcome do
    Accepted(_) -> reply(conn, "{\"status\":\"accepted\"}")
    Invalid(reason) -> reply_error(conn, reason)
    Unavailable(reason) -> reply_error(conn, reason)
  end
end

fn ingest(conn :: Int, p :: Pipeline, project_id :: String, message :: String) do
  if String.length(message) > p.max_event_bytes do
    reply_error(conn, "payload too large (limit ${p.max_event_bytes} bytes)")
  else
    let admitted = RateLimiter.admit(p.limiter, project_id, 1)
    if admitted do
      reply_outcome(conn, EventProcessor.process(p.processor, project_id, p.writer, message))
    else
      reply(conn, "{\"error\":\"rate limited\",\"retry_after\":${p.window_seconds}}")
    end
  end
end

pub fn ws_on_message(conn :: Int, message :: String) do
  let project_id = WsSessions.project_of(sessions(), conn)
  if project_id == "" do
    reply(conn, "{\"error\":\"unauthorized\"}")
  else
    ingest(conn, current_pipeline(), project_id, message)
  end
end

pub fn ws_on_close(conn :: Int, code :: Int, reason :: String) do
  WsSessions.close(sessions(), conn)
end
