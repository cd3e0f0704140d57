-- wrk script for ONE burst: every connection sends exactly one pre-signed request, once.
--
-- wrk -t T -c N -d 60s --timeout 30s -s burst.lua URL -- REQUESTS_FILE PER_THREAD DONE_DIR
--
-- REQUESTS_FILE: one request a line, "timestamp<TAB>signature<TAB>body", written by
-- benchmarks/run.py; thread i sends lines [i*PER_THREAD, (i+1)*PER_THREAD). With -c N and
-- -t T, each thread has PER_THREAD = N/T connections. delay() lets each thread's first
-- PER_THREAD requests go at once (one per connection) and holds every later one for an hour,
-- so nothing is sent twice. When a thread has all its answers it writes DONE_DIR/<id> and
-- stops; run.py then ends wrk with SIGINT (wrk otherwise sleeps for its whole -d).
-- done() prints one line "BENCH {json}": wrk's latency percentiles (us), and per thread the
-- CLOCK_MONOTONIC time of the first send and of the last answer, counts and non-200s.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local timespec = ffi.new("bench_timespec")
local CLOCK_MONOTONIC = 1

local function now()
   ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
   return tonumber(timespec.tv_sec) + tonumber(timespec.tv_nsec) * 1e-9
end

local threads = {}
local next_id = 0

function setup(thread)
   thread:set("id", next_id)
   next_id = next_id + 1
   table.insert(threads, thread)
end

function init(args)
   local path = args[1]
   per_thread = tonumber(args[2])
   done_dir = args[3]
   local first = id * per_thread
   requests = {}
   local index = 0
   for line in io.lines(path) do
      if index >= first and index < first + per_thread then
         local ts, signature, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
         requests[#requests + 1] = wrk.format("POST", "/slack/events", {
            ["Host"] = "127.0.0.1",
            ["Content-Type"] = "application/x-www-form-urlencoded",
            ["X-Slack-Request-Timestamp"] = ts,
            ["X-Slack-Signature"] = signature,
         }, body)
      end
      index = index + 1
   end
   sent = 0
   received = 0
   non200 = 0
   delays = 0
   first_send = 0
   last_recv = 0
   -- wrk calls request() once on thread 0, before it runs, to check that the script makes
   -- a valid HTTP request: answer that call without counting it.
   verifying = (id == 0)
end

function delay()
   delays = delays + 1
   if delays <= per_thread then
      return 0
   end
   return 3600000
end

function request()
   if verifying then
      verifying = false
      return requests[1]
   end
   sent = sent + 1
   if sent == 1 then
      first_send = now()
   end
   return requests[sent]
end

function response(status, headers, body)
   received = received + 1
   last_recv = now()
   if status ~= 200 then
      non200 = non200 + 1
   end
   if received >= per_thread then
      local marker = io.open(done_dir .. "/" .. id, "w")
      marker:write("done")
      marker:close()
      wrk.thread:stop()
   end
end

function done(summary, latency, requests)
   local parts = {}
   for _, thread in ipairs(threads) do
      parts[#parts + 1] = string.format(
         '{"id":%d,"sent":%d,"received":%d,"non200":%d,"first_send":%.6f,"last_recv":%.6f}',
         thread:get("id"), thread:get("sent"), thread:get("received"), thread:get("non200"),
         thread:get("first_send"), thread:get("last_recv"))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"min_us":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"threads":[%s]}\n',
      summary.requests, latency:percentile(50), latency:percentile(99), latency.max,
      latency.min, e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
end
