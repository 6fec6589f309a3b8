-- GET /health formatted like heartbeat_paced.lua's requests (same headers, one preformatted
-- request, no pause), so that wrk spends the same per request on both sides of a comparison.
local key = os.getenv("API_KEY") or ""
local formatted

function init(args)
  formatted = wrk.format("GET", "/health", { ["X-API-Key"] = key })
end

function request()
  return formatted
end
