-- GET /api/spawners/{id} for ids 1..SPAWNER_IDS (default 1000), round robin.
local ids = tonumber(os.getenv("SPAWNER_IDS") or "1000")
local requests = {}
local counter = 0

function init(args)
  for i = 1, ids do
    requests[i] = wrk.format("GET", "/api/spawners/" .. i)
  end
  counter = math.random(ids) - 1
end

function request()
  counter = counter % ids + 1
  return requests[counter]
end

function response(status, headers, body)
  if status ~= 200 then
    error("GET by id answered " .. status)
  end
end
