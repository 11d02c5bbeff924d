-- wrk script for bench/portal: the API calls of the dashboard page, in
-- turn, with the session cookie of a logged-in analyst (env YM_COOKIE).
local paths = {
   "/api/v1/stats/summary",
   "/api/v1/stats/minutes",
   "/api/v1/devices",
   "/api/v1/incidents?status=open&limit=50",
   "/api/v1/events?limit=20",
   "/api/v1/stats/days?days=30",
   "/api/v1/me",
}
local cookie = os.getenv("YM_COOKIE")
local i = 0

request = function()
   i = i % #paths + 1
   return wrk.format("GET", paths[i], {["Cookie"] = cookie})
end

local errors = 0
response = function(status, headers, body)
   if status ~= 200 then
      errors = errors + 1
   end
end

done = function(summary, latency, requests)
   io.write(string.format("non_2xx %d\n", summary.errors.status))
end
