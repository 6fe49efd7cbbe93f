# The ingestion pipeline: starts the services, keeps their Pids in the
# PipelineRegistry (registered by name, so HTTP and WebSocket handlers find
# it), runs the health checker and drains the writer on shutdown.

from Config import Config
from Services.RateLimiter import RateLimiter, window_ticker
from Services.EventProcessor import EventProcessor
from Services.Writer import StorageWriter, WriterStats, flush_ticker
from Storage.Queries import ping

pub struct Pipeline do
  pool :: PoolHandle
  limiter :: Pid
  processor :: Pid
  writer :: Pid
  window_seconds :: Int
  max_event_bytes :: Int
  max_bulk_bytes :: Int
end

struct RegistryState do
  pipeline :: Pipeline
  health :: String
  restarts :: Int
end

service PipelineRegistry do
  fn init(pipeline :: Pipeline) -> RegistryState do
    RegistryState { pipeline: pipeline, health: "{\"status\":\"starting\"}", restarts: 0 }
  end

  call Get() :: Pipeline do |state|
    (state, state.pipeline)
  end

  call Health() :: String do |state|
    (state, state.health)
  end

  call Restarts() :: Int do |state|
    (state, state.restarts)
  end

  cast SetHealth(text :: String) do |state|
    %{state | health: text}
  end

  cast Replace(pipeline :: Pipeline) do |state|
    %{state | pipeline: pipeline, restarts: state.restarts + 1}
  end
end

pub fn registry() do
  Process.whereis("mesher_registry")
end

# The registry's current view of the pipeline.
pub fn current_pipeline() -> Pipeline do
  PipelineRegistry.get(registry())
end

fn start_limiter(config :: Config) do
  let pid = RateLimiter.start(config.rate_window_seconds, config.rate_limit)
  let _ = Process.register("mesher_rate_limiter", pid)
  pid
end

fn start_processor() do
  let pid = EventProcessor.start()
  let _ = Process.register("mesher_processor", pid)
  pid
end

fn start_writer(config :: Config, pool :: PoolHandle) do
  let pid = StorageWriter.start(pool, config.batch_size, config.retry_base_ms, config.dead_letter_file)
  let _ = Process.register("mesher_writer", pid)
  pid
end

# ---------------------------------------------------------------- health

fn log(msg :: String) do
  IO.eprintln("[Health] " <> msg)
end

fn quote(s :: String) -> String do
  JSON.encode_string(s)
end

# Has a service stopped? Asked from a job, so that a dead service (whose
# call would crash the caller) only fails the job. A service that is merely
# slow (the writer retrying against a database that is down) is not
# replaced: only a crash counts.
fn crashed(r :: Result<Int, String>) -> Bool do
  case r do
    Ok(_) -> false
    Err(e) -> e != "timeout"
  end
end

fn limiter_dead(pid) -> Bool do
  crashed(Job.await_timeout(Job.async(fn() -> RateLimiter.used(pid, "") end), 5000))
end

fn processor_dead(pid) -> Bool do
  crashed(Job.await_timeout(Job.async(fn() -> EventProcessor.processed(pid) end), 5000))
end

fn writer_stats(pid) -> WriterStats!String do
  Job.await_timeout(Job.async(fn() -> StorageWriter.stats(pid) end), 5000)
end

fn database_status(pool :: PoolHandle) -> String do
  let r = ping(pool)
  case r do
    Ok(_) -> "ok"
    Err(e) -> e
  end
end

fn revive_limiter(config :: Config, p :: Pipeline) -> Pipeline do
  if limiter_dead(p.limiter) do
    log("RateLimiter has stopped; starting a new one")
    %{p | limiter: start_limiter(config)}
  else
    p
  end
end

fn revive_processor(p :: Pipeline) -> Pipeline do
  if processor_dead(p.processor) do
    log("EventProcessor has stopped; starting a new one")
    %{p | processor: start_processor()}
  else
    p
  end
end

fn revive_writer(config :: Config, p :: Pipeline, dead :: Bool) -> Pipeline do
  if dead do
    log("StorageWriter has stopped (its buffered events are lost); starting a new one")
    %{p | writer: start_writer(config, p.pool)}
  else
    p
  end
end

fn writer_json(stats :: WriterStats!String) -> String do
  case stats do
    Ok(s) -> "{\"buffered\":${s.buffered},\"written\":${s.written},\"dead_lettered\":${s.dead_lettered},\"closed\":${s.closed}}"
    Err(e) -> "{\"error\":" <> quote(e) <> "}"
  end
end

fn writer_dead(stats :: WriterStats!String) -> Bool do
  case stats do
    Ok(_) -> false
    Err(e) -> e != "timeout"
  end
end

fn check_once(config :: Config) -> Int do
  let reg = registry()
  let before = PipelineRegistry.get(reg)
  let stats = writer_stats(before.writer)
  let now_p = revive_writer(config, revive_processor(revive_limiter(config, before)), writer_dead(stats))
  let changed = now_p.limiter != before.limiter or now_p.processor != before.processor or now_p.writer != before.writer
  if changed do
    PipelineRegistry.replace(reg, now_p)
  end
  let db = database_status(before.pool)
  let status = if db == "ok" and not changed do "ok" else "degraded" end
  let restarts = PipelineRegistry.restarts(reg)
  PipelineRegistry.set_health(reg, "{\"status\":" <> quote(status) <> ",\"database\":" <> quote(db) <> ",\"writer\":" <> writer_json(stats) <> ",\"restarts\":${restarts}}")
  0
end

actor health_checker(config :: Config) do
  let _ = check_once(config)
  Timer.sleep(config.health_interval_ms)
  health_checker(config)
end

# ---------------------------------------------------------------- start / stop

# Start every service and ticker; the registry's Pid.
pub fn start_pipeline(config :: Config, pool :: PoolHandle) do
  let limiter = start_limiter(config)
  let processor = start_processor()
  let writer = start_writer(config, pool)
  let pipeline = Pipeline { pool: pool, limiter: limiter, processor: processor, writer: writer, window_seconds: config.rate_window_seconds, max_event_bytes: config.max_event_bytes, max_bulk_bytes: config.max_bulk_bytes }
  let reg = PipelineRegistry.start(pipeline)
  let _ = Process.register("mesher_registry", reg)
  let _ = spawn(window_ticker, config.rate_window_seconds)
  let _ = spawn(flush_ticker, config.flush_interval_ms)
  let _ = spawn(health_checker, config)
  println("[Mesher] pipeline started: window ${config.rate_window_seconds} s, limit ${config.rate_limit} events, batches of ${config.batch_size}, flush every ${config.flush_interval_ms} ms")
  reg
end

# Write every buffered event and close the writer (run on SIGTERM / Ctrl-C).
pub fn drain_pipeline() -> Int do
  let p = current_pipeline()
  let pending = StorageWriter.drain(p.writer)
  let stats = StorageWriter.stats(p.writer)
  println("[Mesher] shutdown: wrote ${pending} buffered events (${stats.written} written since start, ${stats.dead_lettered} dead-lettered)")
  pending
end
