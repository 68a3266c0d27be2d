-- The memory soak: 4 balance reads to 1 accrual, unique external_ids.
dofile(os.getenv("BENCH_HTTP_DIR") .. "/report.lua")
local key = os.getenv("BENCH_API_KEY")
local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local tag = os.getenv("BENCH_RUN_TAG") or tostring(os.time())
local n = 0

request = function()
   n = n + 1
   local user = (n * 7 + (thread_id or 1) * 131) % users + 1
   if n % 5 == 0 then
      local body = string.format(
         '{"external_id":"%s-t%d-%d","type":"accrual","amount":"1.50","user_id":%d,"store_id":"store-7",' ..
         '"created_at":"2026-11-27T10:15:00"}', tag, thread_id or 1, n, user)
      return wrk.format("POST", "/local/api/cashback/v1/transactions",
         {["X-API-Key"] = key, ["Content-Type"] = "application/json"}, body)
   end
   return wrk.format("GET", string.format("/local/api/cashback/v1/balance?user_phone=8900%07d", user), {["X-API-Key"] = key})
end
