-- Paced GET /health on one connection: one request every PACE_MS (default 1) ms. wrk's
-- maximum latency is then the longest stall a client saw during the run.
local pace_ms = tonumber(os.getenv("PACE_MS") or "1")

function delay()
  return pace_ms
end
