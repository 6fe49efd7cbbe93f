# RateLimiter: a fixed-window event counter per project. Every project may
# send `max_events` events per window; window_ticker starts a new window
# (all counters back to zero) every `window_seconds`.

struct RateState do
  counts :: Map<String, Int>
  window_seconds :: Int
  max_events :: Int
  windows :: Int
end

# Count `n` events of a project: true when they fit in the window (and are
# counted), false when they would exceed it (nothing is counted).
fn admit(state :: RateState, project_id :: String, n :: Int) -> (RateState, Bool) do
  let used = Map.get(state.counts, project_id)
  if used + n > state.max_events do
    (state, false)
  else
    (%{state | counts: Map.put(state.counts, project_id, used + n)}, true)
  end
end

service RateLimiter do
  fn init(window_seconds :: Int, max_events :: Int) -> RateState do
    RateState { counts: Map.new(), window_seconds: window_seconds, max_events: max_events, windows: 1 }
  end

  call Admit(project_id :: String, n :: Int) :: Bool do |state|
    admit(state, project_id, n)
  end

  # Events counted for a project in the current window.
  call Used(project_id :: String) :: Int do |state|
    (state, Map.get(state.counts, project_id))
  end

  cast NewWindow() do |state|
    %{state | counts: Map.new(), windows: state.windows + 1}
  end
end

# Starts a new window every `window_seconds`; looks the limiter up by name
# on every tick (it survives a restart of the limiter).
actor window_ticker(window_seconds :: Int) do
  Timer.sleep(window_seconds * 1000)
  let limiter = Process.whereis("mesher_rate_limiter")
  RateLimiter.new_window(limiter)
  window_ticker(window_seconds)
end
