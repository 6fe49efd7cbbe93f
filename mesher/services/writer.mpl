# StorageWriter: buffers enriched events per project and writes them in
# batches. A project's buffer is written as soon as it holds `batch_size`
# events (size trigger); flush_ticker asks for every buffer to be written
# once per interval (timer trigger). A failed write is retried three times
# (after 1, 4 and 10 times the base delay); if it still fails, every event
# of the batch is tried on its own, and those that still cannot be written
# go to the dead-letter file (or, failing that, to stderr) with a log line.
# Nothing is dropped silently.
#
# Drain (used on shutdown) writes everything and closes the writer: later
# Store calls answer false, so whoever stores an event knows whether it
# will be written.

from Storage.Queries import insert_batch

pub struct WriterStats do
  buffered :: Int
  written :: Int
  dead_lettered :: Int
  closed :: Bool
end

struct WriterState do
  pool :: PoolHandle
  buffers :: Map<String, List<String>>
  buffered :: Int
  batch_size :: Int
  retry_base_ms :: Int
  dead_letter_file :: String
  written :: Int
  dead_lettered :: Int
  closed :: Bool
end

fn log(msg :: String) do
  IO.eprintln("[StorageWriter] " <> msg)
end

fn one_line(e :: String) -> String do
  String.trim(String.replace(String.replace(e, "\t", " "), "\n", " "))
end

fn retry_delay(base :: Int, attempt :: Int) -> Int do
  if attempt == 1 do
    base
  else if attempt == 2 do
    base * 4
  else
    base * 10
  end
end

fn note_failure(project_id :: String, count :: Int, attempt :: Int, e :: String) -> String do
  let more = if attempt < 4 do "; retrying" else "; giving up on the batch" end
  log("writing ${count} events of project ${project_id} failed (attempt ${attempt} of 4): ${one_line(e)}${more}")
  e
end

# Attempts 0..3; attempt k > 0 waits first.
fn write_with_retry(pool :: PoolHandle, project_id :: String, entries :: List<String>, attempt :: Int, base :: Int, last_error :: String) -> Int!String do
  if attempt > 3 do
    Err(last_error)
  else
    if attempt > 0 do
      Timer.sleep(retry_delay(base, attempt))
    end
    let r = insert_batch(pool, project_id, entries)
    case r do
      Ok(n) -> Ok(n)
      Err(e) -> write_with_retry(pool, project_id, entries, attempt + 1, base, note_failure(project_id, List.length(entries), attempt + 1, e))
    end
  end
end

fn dead_letter_line(project_id :: String, entry :: String, e :: String) -> String do
  "{\"project_id\":" <> JSON.encode_string(project_id) <> ",\"error\":" <> JSON.encode_string(one_line(e)) <> ",\"event\":" <> entry <> "}\n"
end

fn to_stderr(lines :: String) -> Int do
  IO.eprintln("[StorageWriter] dead letter: " <> String.trim(lines))
  0
end

fn dead_letter(state :: WriterState, text :: String) -> Int do
  let r = File.append(state.dead_letter_file, text)
  case r do
    Ok(_) -> 1
    Err(_) -> to_stderr(text)
  end
end

# Last resort for a batch that keeps failing: each event on its own, once.
# Returns (written, dead-letter text).
fn salvage(state :: WriterState, project_id :: String, entries :: List<String>, i :: Int, written :: Int, dead :: String) -> (Int, String) do
  if i < List.length(entries) do
    let entry = List.get(entries, i)
    let r = insert_batch(state.pool, project_id, [entry])
    case r do
      Ok(n) -> salvage(state, project_id, entries, i + 1, written + n, dead)
      Err(e) -> salvage(state, project_id, entries, i + 1, written, dead <> dead_letter_line(project_id, entry, e))
    end
  else
    (written, dead)
  end
end

fn record_salvage(state :: WriterState, project_id :: String, total :: Int, written :: Int, dead :: String) -> WriterState do
  let lost = total - written
  if lost > 0 do
    let dest = if dead_letter(state, dead) == 1 do state.dead_letter_file else "stderr" end
    log("${lost} of ${total} events of project ${project_id} could not be written; saved to ${dest}")
  end
  %{state | written: state.written + written, dead_lettered: state.dead_lettered + lost}
end

fn after_salvage(state :: WriterState, project_id :: String, total :: Int, result :: (Int, String)) -> WriterState do
  case result do
    (written, dead) -> record_salvage(state, project_id, total, written, dead)
  end
end

fn write_batch(state :: WriterState, project_id :: String, entries :: List<String>) -> WriterState do
  let r = write_with_retry(state.pool, project_id, entries, 0, state.retry_base_ms, "")
  case r do
    Ok(n) -> %{state | written: state.written + n}
    Err(_) -> after_salvage(state, project_id, List.length(entries), salvage(state, project_id, entries, 0, 0, ""))
  end
end

fn keep_buffer(state :: WriterState, project_id :: String, buf :: List<String>) -> WriterState do
  if List.length(buf) == 0 do
    %{state | buffers: Map.delete(state.buffers, project_id)}
  else
    %{state | buffers: Map.put(state.buffers, project_id, buf)}
  end
end

# Write `buf` in batches of batch_size while at least `min_len` (and at
# least one) events remain; keep the rest buffered.
fn write_chunks(state :: WriterState, project_id :: String, buf :: List<String>, min_len :: Int) -> WriterState do
  let n = List.length(buf)
  if n > 0 and n >= min_len do
    let chunk = List.take(buf, state.batch_size)
    let rest = List.drop(buf, state.batch_size)
    let written = write_batch(%{state | buffered: state.buffered - List.length(chunk)}, project_id, chunk)
    write_chunks(written, project_id, rest, min_len)
  else
    keep_buffer(state, project_id, buf)
  end
end

fn buffer_of(state :: WriterState, project_id :: String) -> List<String> do
  if Map.has_key(state.buffers, project_id) do
    Map.get(state.buffers, project_id)
  else
    List.new()
  end
end

fn writer_store(state :: WriterState, project_id :: String, entries :: List<String>) -> (WriterState, Bool) do
  if state.closed do
    (state, false)
  else
    let buf = buffer_of(state, project_id) ++ entries
    let added = %{state | buffered: state.buffered + List.length(entries)}
    (write_chunks(added, project_id, buf, state.batch_size), true)
  end
end

fn flush_projects(state :: WriterState, projects :: List<String>, i :: Int) -> WriterState do
  if i < List.length(projects) do
    let project_id = List.get(projects, i)
    flush_projects(write_chunks(state, project_id, buffer_of(state, project_id), 1), projects, i + 1)
  else
    state
  end
end

fn writer_flush(state :: WriterState) -> WriterState do
  if state.buffered > 0 do
    flush_projects(state, Map.keys(state.buffers), 0)
  else
    state
  end
end

fn writer_drain(state :: WriterState) -> (WriterState, Int) do
  let pending = state.buffered
  let flushed = writer_flush(state)
  (%{flushed | closed: true}, pending)
end

fn stats_of(state :: WriterState) -> WriterStats do
  WriterStats { buffered: state.buffered, written: state.written, dead_lettered: state.dead_lettered, closed: state.closed }
end

service StorageWriter do
  fn init(pool :: PoolHandle, batch_size :: Int, retry_base_ms :: Int, dead_letter_file :: String) -> WriterState do
    WriterState {
      pool: pool,
      buffers: Map.new(),
      buffered: 0,
      batch_size: batch_size,
      retry_base_ms: retry_base_ms,
      dead_letter_file: dead_letter_file,
      written: 0,
      dead_lettered: 0,
      closed: false
    }
  end

  # Buffer the entries of one project; false once the writer is closed.
  call Store(project_id :: String, entries :: List<String>) :: Bool do |state|
    writer_store(state, project_id, entries)
  end

  # Write every buffer (the timer trigger).
  cast Flush() do |state|
    writer_flush(state)
  end

  # Write every buffer and close; the number of events that were buffered.
  call Drain() :: Int do |state|
    writer_drain(state)
  end

  call Stats() :: WriterStats do |state|
    (state, stats_of(state))
  end
end

# The timer trigger. Looks the writer up by name on every tick, so it keeps
# working after the health checker restarted the writer.
actor flush_ticker(interval :: Int) do
  Timer.sleep(interval)
  let writer = Process.whereis("mesher_writer")
  StorageWriter.flush(writer)
  flush_ticker(interval)
end
