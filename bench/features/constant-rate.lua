-- wrk at a fixed request rate (wrk itself only runs flat out): each thread hands out send slots
-- spaced 1/rate apart, and a connection that finishes an answer waits for the next free slot.
-- wrk times each request from its write to its answer, so a request sent behind its slot (every
-- connection busy) would hide the wait; those are counted, and the bench prints the count.
--
--   wrk -t1 -c32 -d10s -s constant-rate.lua URL -- <rate per thread> <id count> <body template file>
--
-- The template is a request body in which every @ID@ becomes a fresh random 7-digit id.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } rate_timespec;
  int clock_gettime(int clock_id, rate_timespec *tp);
]]
local clock = ffi.new("rate_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

local interval_ms, id_count, parts
local next_slot = nil
late = 0        -- requests sent more than 1 ms after their slot
max_late_ms = 0
bad = 0         -- answers other than 200

function init(args)
  interval_ms = 1000 / tonumber(args[1])
  id_count = tonumber(args[2])
  local file = assert(io.open(args[3], "r"))
  local template = file:read("*a")
  file:close()
  parts = {}
  for piece in (template .. "@ID@"):gmatch("(.-)@ID@") do table.insert(parts, piece) end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
  wrk.method = "POST"
  wrk.headers["content-type"] = "application/json"
end

function delay()
  local now = now_ms()
  if next_slot == nil then next_slot = now end
  local slot = next_slot
  next_slot = next_slot + interval_ms
  local wait = slot - now
  if wait < -1 then
    late = late + 1
    if -wait > max_late_ms then max_late_ms = -wait end
  end
  if wait <= 0 then return 0 end
  return math.floor(wait)
end

function request()
  local body = { parts[1] }
  for i = 2, #parts do
    body[#body + 1] = string.format("%07d", math.random(0, id_count - 1))
    body[#body + 1] = parts[i]
  end
  return wrk.format(nil, nil, nil, table.concat(body))
end

function response(status)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency)
  local late_total, max_late, bad_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    late_total = late_total + thread:get("late")
    max_late = math.max(max_late, thread:get("max_late_ms"))
    bad_total = bad_total + thread:get("bad")
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"non200":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d,"p999Us":%d,"maxUs":%d,"late":%d,"maxLateMs":%.1f}\n',
    summary.requests, summary.duration, bad_total, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max, late_total, max_late))
end
