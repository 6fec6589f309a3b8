-- Heartbeats for spawner ids 1..SPAWNER_IDS (default 1000), round robin. Requests are
-- formatted once in init() so that wrk spends its time sending, not building strings.
-- API_KEY, when set, is sent as X-API-Key (a deployment with the auth plugin). DELAY_MS, when
-- set, pauses each connection that long between its requests, so that wrk -cC paces about
-- C * 1000 / DELAY_MS heartbeats a second (a little less: each answer's latency adds).
local ids = tonumber(os.getenv("SPAWNER_IDS") or "1000")
local key = os.getenv("API_KEY")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local requests = {}
local counter = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  if key then headers["X-API-Key"] = key end
  local body = '{"current_instances":3,"max_instances":10,"status":"running"}'
  for i = 1, ids do
    requests[i] = wrk.format("POST", "/api/spawners/" .. i .. "/heartbeat", headers, body)
  end
  counter = math.random(ids) - 1
end

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function request()
  counter = counter % ids + 1
  return requests[counter]
end

-- CHECK_IN_LUA=0 leaves the status check to wrk's own count of non-2xx answers: a response()
-- function makes wrk hand every answer's headers and body to Lua, a client cost that a
-- comparison with a script without one (health.lua) must not carry on one side only.
if os.getenv("CHECK_IN_LUA") ~= "0" then
  function response(status, headers, body)
    if status ~= 200 then
      error("heartbeat answered " .. status .. ": " .. body)
    end
  end
end
