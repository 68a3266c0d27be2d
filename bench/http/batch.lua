-- POST transactions/batch: BENCH_BATCH_ITEMS (1000) items per request, unique
-- external_ids; four accruals to one debit, over the benchmark's customers.
dofile(os.getenv("BENCH_HTTP_DIR") .. "/report.lua")
local key = os.getenv("BENCH_API_KEY")
local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local size = tonumber(os.getenv("BENCH_BATCH_ITEMS") or "1000")
local tag = os.getenv("BENCH_RUN_TAG") or tostring(os.time())
local n = 0

request = function()
   n = n + 1
   local items = {}
   for i = 1, size do
      local user = (n * 977 + i * 13 + (thread_id or 1) * 71) % users + 1
      local kind, amount = "accrual", string.format("%d.%02d", 1 + i % 300, i % 100)
      if i % 5 == 0 then kind, amount = "debit", "1.00" end
      items[i] = string.format(
         '{"external_id":"%s-t%d-%d-%d","type":"%s","amount":"%s","user_phone":"8900%07d",' ..
         '"store_id":"store-7","description":"Store 7, register 1","created_at":"2026-11-27T10:15:00"}',
         tag, thread_id or 1, n, i, kind, amount, user)
   end
   return wrk.format("POST", "/local/api/cashback/v1/transactions/batch",
      {["X-API-Key"] = key, ["Content-Type"] = "application/json"}, "[" .. table.concat(items, ",") .. "]")
end
