-- Registrations. Each wrk thread stops after REGISTRATIONS / THREADS answers (defaults
-- 10000 and 2), so a run registers an exact number of spawners.
local total = tonumber(os.getenv("REGISTRATIONS") or "10000")
local threads = tonumber(os.getenv("THREADS") or "2")
local quota = math.floor(total / threads)
local requests = {}
local answered = 0

function init(args)
  local headers = { ["Content-Type"] = "application/json" }
  for i = 1, 256 do
    local body = string.format(
      '{"region":"eu-west-%d","host":"10.%d.%d.%d","port":%d,"max_instances":16,' ..
      '"current_instances":0,"status":"idle"}',
      i % 4, i % 200, (i * 7) % 250, (i * 13) % 250 + 1, 7000 + i)
    requests[i] = wrk.format("POST", "/api/spawners", headers, body)
  end
end

local next_request = 0
function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  if status ~= 201 then
    error("registration answered " .. status .. ": " .. body)
  end
  answered = answered + 1
  if answered >= quota then
    wrk.thread:stop()
  end
end
