-- POST transactions: one accrual per request, a unique external_id each
-- (BENCH_RUN_TAG makes it unique across runs on the same database).
dofile(os.getenv("BENCH_HTTP_DIR") .. "/report.lua")
local key = os.getenv("BENCH_API_KEY")
local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local tag = os.getenv("BENCH_RUN_TAG") or tostring(os.time())
local n = 0

request = function()
   n = n + 1
   local user = (n * 13 + (thread_id or 1) * 71) % users + 1
   local body = string.format(
      '{"external_id":"%s-t%d-%d","type":"accrual","amount":"%d.%02d","user_phone":"8 (900) %03d-%02d-%02d",' ..
      '"store_id":"store-7","description":"Store 7, register 1","created_at":"2026-11-27T10:15:00"}',
      tag, thread_id or 1, n, 1 + n % 300, n % 100, math.floor(user / 10000), math.floor(user / 100) % 100, user % 100)
   return wrk.format("POST", "/local/api/cashback/v1/transactions",
      {["X-API-Key"] = key, ["Content-Type"] = "application/json"}, body)
end
