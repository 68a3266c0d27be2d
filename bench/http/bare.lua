-- GET on the bare endpoint (bench/http/bare.php), with the same key header as the API calls.
dofile(os.getenv("BENCH_HTTP_DIR") .. "/report.lua")
wrk.method = "GET"
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY") or ""
