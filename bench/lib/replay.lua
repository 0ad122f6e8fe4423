-- wrk script: replays the pre-generated requests of BENCH_REQUESTS (one a line: method, path,
-- X-Twilio-Signature, body; tab-separated) in order, each once, and prints its summary as one
-- JSON line prefixed BENCHJSON. With BENCH_STOP_AFTER set, the thread stops once that many
-- requests were answered and creates the file BENCH_STOP_MARKER (history seeding); a run that needed more requests than the file holds reports
-- "wrapped": true (its extra requests were redeliveries). Non-2xx counts answers >= 400 (wrk).

local path = os.getenv("BENCH_REQUESTS")
local auth = os.getenv("BENCH_AUTH")
local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "")
local requests = {}
local index = 0
wrapped = false -- global, read by done() through thread:get

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(path) do
    local f = split(line)
    local headers = {}
    if f[3] ~= "" then
      headers["X-Twilio-Signature"] = f[3]
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    if auth and auth ~= "" then
      headers["Authorization"] = auth
    end
    local body = nil
    if f[4] ~= "" then body = f[4] end
    requests[#requests + 1] = wrk.format(f[1], f[2], headers, body)
  end
end

function request()
  index = index + 1
  if index > #requests then
    index = 1
    wrapped = true
  end
  return requests[index]
end

if stop_after then
  local answered = 0
  function response(status, headers, body)
    answered = answered + 1
    if answered == stop_after then
      -- wrk itself runs for its whole -d: tell the caller, which interrupts it.
      local marker = io.open(os.getenv("BENCH_STOP_MARKER"), "w")
      marker:write("done\n")
      marker:close()
      wrk.thread:stop()
    end
  end
end

function done(summary, latency, requests_)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local wrapped_any = false
  for _, thread in ipairs(threads) do
    if thread:get("wrapped") then wrapped_any = true end
  end
  io.write(string.format(
    'BENCHJSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, '
      .. '"non2xx": %d, "socket_errors": %d, "wrapped": %s}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout, tostring(wrapped_any)))
end
