# HTTP handlers of the ingestion API.
#   POST /api/v1/events        one event (a JSON object, at most 1 MiB)
#   POST /api/v1/events/bulk   a JSON array of events (at most 5 MiB)
#   GET  /health               the last health check
# Order of checks: API key (401), size (400), rate limit (429), content (400).

from Ingestion.Auth import request_key, authenticate_key
from Ingestion.Pipeline import Pipeline, PipelineRegistry, current_pipeline, registry
from Services.RateLimiter import RateLimiter
from Services.EventProcessor import EventProcessor, Outcome

struct BulkEvents do
  events :: List<Json>
end deriving(Json)

fn json_error(status :: Int, reason :: String) do
  HTTP.response(status, "{\"error\":" <> JSON.encode_string(reason) <> "}")
end

fn unauthorized() do
  HTTP.response(401, "{\"error\":\"unauthorized\"}")
end

fn rate_limited(window_seconds :: Int) do
  HTTP.response_with_headers(429, "{\"error\":\"rate limited\"}", %{"Retry-After" => String.from(window_seconds)})
end

fn outcome_response(outcome :: Outcome, bulk :: Bool) do
  case outcome do
    Accepted(n) -> if bulk do HTTP.response(202, "{\"status\":\"accepted\",\"count\":${n}}") else HTTP.response(202, "{\"status\":\"accepted\"}") end
    Invalid(reason) -> json_error(400, reason)
    Unavailable(reason) -> json_error(503, reason)
  end
end

# The body's size in bytes: Content-Length (the server read exactly that
# many bytes), else the length of the text.
fn body_bytes(request, body :: String) -> Int do
  let declared = Request.header(request, "Content-Length")
  let fallback = Request.header(request, "content-length")
  let text = case declared do
    Some(v) -> v
    None -> case fallback do
      Some(w) -> w
      None -> ""
    end
  end
  case String.to_int(text) do
    Some(n) -> n
    None -> String.length(body)
  end
end

fn too_large(limit :: Int) do
  json_error(400, "payload too large (limit ${limit} bytes)")
end

fn single_admitted(p :: Pipeline, project_id :: String, body :: String) do
  outcome_response(EventProcessor.process(p.processor, project_id, p.writer, body), false)
end

fn single_authed(p :: Pipeline, project_id :: String, request) do
  let body = Request.body(request)
  if body_bytes(request, body) > p.max_event_bytes do
    too_large(p.max_event_bytes)
  else
    let admitted = RateLimiter.admit(p.limiter, project_id, 1)
    if admitted do
      single_admitted(p, project_id, body)
    else
      rate_limited(p.window_seconds)
    end
  end
end

pub fn handle_event(request) do
  let p = current_pipeline()
  let auth = authenticate_key(p.pool, request_key(request))
  case auth do
    Err(_) -> unauthorized()
    Ok(project_id) -> single_authed(p, project_id, request)
  end
end

fn bulk_events(bodies :: List<String>, p :: Pipeline, project_id :: String) do
  let n = List.length(bodies)
  if n == 0 do
    json_error(400, "bulk request has no events")
  else
    let admitted = RateLimiter.admit(p.limiter, project_id, n)
    if admitted do
      outcome_response(EventProcessor.process_bulk(p.processor, project_id, p.writer, bodies), true)
    else
      rate_limited(p.window_seconds)
    end
  end
end

fn bulk_parsed(parsed :: BulkEvents!String, p :: Pipeline, project_id :: String) do
  case parsed do
    Ok(b) -> bulk_events(List.map(b.events, fn(e) -> Json.encode(e) end), p, project_id)
    Err(e) -> json_error(400, "bulk body must be a JSON array of events (" <> e <> ")")
  end
end

fn bulk_authed(p :: Pipeline, project_id :: String, request) do
  let body = Request.body(request)
  if body_bytes(request, body) > p.max_bulk_bytes do
    too_large(p.max_bulk_bytes)
  else
    let text = String.trim(body)
    if String.starts_with(text, "[") do
      bulk_parsed(BulkEvents.from_json("{\"events\":" <> text <> "}"), p, project_id)
    else
      json_error(400, "bulk body must be a JSON array of events")
    end
  end
end

pub fn handle_bulk(request) do
  let p = current_pipeline()
  let auth = authenticate_key(p.pool, request_key(request))
  case auth do
    Err(_) -> unauthorized()
    Ok(project_id) -> bulk_authed(p, project_id, request)
  end
end

pub fn handle_health(request) do
  HTTP.response(200, PipelineRegistry.health(registry()))
end

# ---------------------------------------------------------------- debug (MESHER_DEBUG_ROUTES=1)

# A handler that crashes: the server must answer 500 and keep serving.
pub fn handle_debug_crash(request) do
  let items = String.split(Request.body(request), ",")
  HTTP.response(200, List.get(items, 99))
end

# Crash the EventProcessor; the health checker starts a new one.
pub fn handle_debug_crash_processor(request) do
  let p = current_pipeline()
  EventProcessor.crash(p.processor)
  HTTP.response(202, "{\"status\":\"crashing\"}")
end
