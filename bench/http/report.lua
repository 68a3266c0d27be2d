-- Shared by the wrk scripts: numbers the threads, and prints one JSON line
-- with the figures at the end (also on SIGINT, which bench/php/memory.php
-- sends to end a request-count bounded run).

function setup(thread)
   bench_threads = (bench_threads or 0) + 1
   thread:set("thread_id", bench_threads)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      '{"requests":%d,"duration_us":%d,"bytes":%d,"errors":%d,"status_errors":%d,' ..
      '"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect + e.read + e.write + e.status + e.timeout,
      e.status, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
