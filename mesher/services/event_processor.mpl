# EventProcessor: validates and enriches events, then hands them to the
# StorageWriter. Enrichment reads the level (default "error"), a title (the
# message, else the exception's type and value) and a fingerprint (the
# event's own, else a hash of the title), and wraps the original event:
#   {"fingerprint": ..., "level": ..., "message": ..., "payload": <event>}
# A bulk request is validated completely before any of its events is stored.

from Services.Writer import StorageWriter

pub type Outcome do
  Accepted(Int)
  Invalid(String)
  Unavailable(String)
end

struct EventHead do
  level :: Option<String>
  message :: Option<String>
end deriving(Json)

struct ProcessorState do
  processed :: Int
  rejected :: Int
end

fn or_else(v :: Option<String>, fallback :: String) -> String do
  case v do
    Some(s) -> s
    None -> fallback
  end
end

fn exception_title(body :: String) -> String do
  if String.contains(body, "\"exception\"") do
    let kind = Json.get_nested(body, "exception", "type")
    let value = Json.get_nested(body, "exception", "value")
    if kind == "" do value else if value == "" do kind else kind <> ": " <> value end
  else
    ""
  end
end

fn title_of(head :: EventHead, body :: String) -> String do
  let message = or_else(head.message, "")
  if message != "" do
    message
  else
    let t = exception_title(body)
    if t == "" do "(no message)" else t end
  end
end

fn fingerprint_of(body :: String, title :: String) -> String do
  let own = if String.contains(body, "\"fingerprint\"") do Json.get(body, "fingerprint") else "" end
  if own != "" do own else "t:" <> String.from(title.hash()) end
end

fn valid_level(level :: String) -> Bool do
  List.contains(["fatal", "error", "warning", "info", "debug"], level)
end

fn build_entry(head :: EventHead, body :: String) -> String!String do
  let level = or_else(head.level, "error")
  if valid_level(level) do
    let title = title_of(head, body)
    Ok("{\"fingerprint\":" <> JSON.encode_string(fingerprint_of(body, title)) <> ",\"level\":" <> JSON.encode_string(level) <> ",\"message\":" <> JSON.encode_string(title) <> ",\"payload\":" <> body <> "}")
  else
    Err("invalid level: must be fatal, error, warning, info or debug")
  end
end

# Validate one event (the raw request text) and build its entry.
pub fn enrich(body :: String) -> String!String do
  let text = String.trim(body)
  if String.starts_with(text, "{") do
    let head = EventHead.from_json(text)
    case head do
      Ok(h) -> build_entry(h, text)
      Err(e) -> Err("invalid event: " <> e)
    end
  else
    Err("event must be a JSON object")
  end
end

fn enrich_all(bodies :: List<String>, i :: Int, acc :: List<String>) -> List<String>!String do
  if i < List.length(bodies) do
    let r = enrich(List.get(bodies, i))
    case r do
      Ok(entry) -> enrich_all(bodies, i + 1, List.append(acc, entry))
      Err(e) -> Err("event ${i}: ${e}")
    end
  else
    Ok(acc)
  end
end

fn store(state :: ProcessorState, project_id :: String, writer, entries :: List<String>) -> (ProcessorState, Outcome) do
  let stored = StorageWriter.store(writer, project_id, entries)
  if stored do
    (%{state | processed: state.processed + List.length(entries)}, Accepted(List.length(entries)))
  else
    (state, Unavailable("shutting down"))
  end
end

fn process_all(state :: ProcessorState, project_id :: String, writer, bodies :: List<String>) -> (ProcessorState, Outcome) do
  let r = enrich_all(bodies, 0, List.new())
  case r do
    Ok(entries) -> store(state, project_id, writer, entries)
    Err(e) -> (%{state | rejected: state.rejected + 1}, Invalid(e))
  end
end

fn process_one(state :: ProcessorState, project_id :: String, writer, body :: String) -> (ProcessorState, Outcome) do
  let r = enrich(body)
  case r do
    Ok(entry) -> store(state, project_id, writer, [entry])
    Err(e) -> (%{state | rejected: state.rejected + 1}, Invalid(e))
  end
end

fn crash(state :: ProcessorState) -> ProcessorState do
  let boom = List.get([state.processed], 1)
  %{state | processed: boom}
end

service EventProcessor do
  fn init() -> ProcessorState do
    ProcessorState { processed: 0, rejected: 0 }
  end

  call Process(project_id :: String, writer :: Pid, body :: String) :: Outcome do |state|
    process_one(state, project_id, writer, body)
  end

  call ProcessBulk(project_id :: String, writer :: Pid, bodies :: List<String>) :: Outcome do |state|
    process_all(state, project_id, writer, bodies)
  end

  call Processed() :: Int do |state|
    (state, state.processed)
  end

  # Crash on purpose (MESHER_DEBUG_ROUTES only): the health checker must
  # notice and start a new processor.
  cast Crash() do |state|
    crash(state)
  end
end
