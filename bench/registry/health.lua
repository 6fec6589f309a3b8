-- GET /health through a Lua request() like the heartbeat and GET-by-id scripts, so that the
-- baseline pays the same client-side cost as the figures compared with it. API_KEY, when set,
-- is sent as X-API-Key, as the heartbeats send it.
local key = os.getenv("API_KEY")
local prepared

function init(args)
  prepared = wrk.format("GET", "/health", key and { ["X-API-Key"] = key } or nil)
end

function request()
  return prepared
end
