-- GET /health through a Lua request() like the heartbeat and GET-by-id scripts, so that the
-- baseline pays the same client-side cost as the figures compared with it.
local prepared

function init(args)
  prepared = wrk.format("GET", "/health")
end

function request()
  return prepared
end
