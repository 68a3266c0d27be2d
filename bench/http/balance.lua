-- GET balance?user_phone=... over the benchmark's customers, phones in 1C's 8-format.
-- BENCH_BALANCE_PATH replaces the path (the shell endpoint, bench/http/shell.php).
dofile(os.getenv("BENCH_HTTP_DIR") .. "/report.lua")
local path = os.getenv("BENCH_BALANCE_PATH") or "/local/api/cashback/v1/balance"
local key = os.getenv("BENCH_API_KEY")
local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local n = 0

request = function()
   n = n + 1
   local user = (n * 7 + (thread_id or 1) * 131) % users + 1
   return wrk.format("GET", string.format("%s?user_phone=8900%07d", path, user), {["X-API-Key"] = key})
end
