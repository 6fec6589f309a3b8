-- Heartbeats for spawner ids 1..SPAWNER_IDS (default 1000), round robin. Requests are
-- formatted once in init() so that wrk spends its time sending, not building strings.
local ids = tonumber(os.getenv("SPAWNER_IDS") or "1000")
local requests = {}
local counter = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
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
