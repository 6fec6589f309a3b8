-- Heartbeats for spawner ids 1..SPAWNER_IDS, round robin, as fast as wrk can send them
-- (the same requests as heartbeat_paced.lua, without the pause).
local ids = tonumber(os.getenv("SPAWNER_IDS") or "10000")
local key = os.getenv("API_KEY") or ""
local requests = {}
local counter = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json", ["X-API-Key"] = key }
  local body = '{"current_instances":3,"max_instances":10,"status":"running"}'
  for i = 1, ids do
    requests[i] = wrk.format("POST", "/api/spawners/" .. i .. "/heartbeat", headers, body)
  end
  counter = math.random(ids) - 1
end

function request()
  counter = counter % ids + 1
  return requests[counter]
end

function response(status, headers, body)
  if status ~= 200 then
    error("heartbeat answered " .. status .. ": " .. body)
  end
end
