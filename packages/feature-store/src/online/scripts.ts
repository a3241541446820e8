/**
 * Lua scripts run atomically inside Redis: the comparisons that make concurrent writers safe happen
 * where the data is, with no window between reading the old value and writing the new one.
 */

/**
 * Writes a batch view's value unless the stored one is newer. KEYS[1]: the value's key.
 * ARGV: encoded value, event time ms, created time ms, expire-at ms. Returns 1 if written, 0 if a
 * newer value (later event time, or the same event time written later) was kept.
 */
export const WRITE_IF_NEWER = `
local stored = redis.call('GETRANGE', KEYS[1], 0, 16)
if #stored == 17 then
  local storedEvent = struct.unpack('<d', stored, 2)
  local storedCreated = struct.unpack('<d', stored, 10)
  local event = tonumber(ARGV[2])
  if event < storedEvent or (event == storedEvent and tonumber(ARGV[3]) < storedCreated) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[4])
return 1
`;

/**
 * Applies one event to one entity's window aggregates of one view, exactly once.
 * KEYS[1]: the state hash; KEYS[2]: the dedupe set of the event's day.
 * ARGV: dedupe id ('' when the update is idempotent anyway), dedupe set expire-at, event time ms,
 *   state expire-at ('0': never), prune threshold,
 *   ring count, then per ring: ring id, tile index, comma-separated measure deltas,
 *   scalar count, then per scalar: op (min|max|distinct|last), field, event time, dedupe id, value,
 *   ring span count, then per ring: ring id, tiles kept,
 *   distinct count, then per distinct aggregate: field prefix, tile ms, tiles (0: lifetime).
 * Returns 1 when applied, 0 when the id was already counted.
 *
 * Hash fields: h (latest event time), r<ring>:<tile> (measures of a tile), n<ring> (newest tile),
 * s<slot> (first/last time, or "time\\31id\\31value" for last), d<slot>:<value> (latest time seen),
 * p (size under which the next prune is not worth it).
 */
export const APPLY_AGGREGATE_EVENT = `
local key = KEYS[1]
if ARGV[1] ~= '' then
  if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
  redis.call('PEXPIREAT', KEYS[2], ARGV[2])
end

local function bytes_greater(a, b)
  local n = math.min(#a, #b)
  for k = 1, n do
    local x, y = string.byte(a, k), string.byte(b, k)
    if x ~= y then return x > y end
  end
  return #a > #b
end

-- Read every field this update touches in one HMGET, write them back in one HSET.
local i = 6
local rings = tonumber(ARGV[i]); i = i + 1
local ringArgs = i
i = i + 3 * rings
local scalars = tonumber(ARGV[i]); i = i + 1
local scalarArgs = i
i = i + 5 * scalars
local fields = { 'h' }
for r = 0, rings - 1 do
  local ring, tile = ARGV[ringArgs + 3 * r], ARGV[ringArgs + 3 * r + 1]
  fields[#fields + 1] = 'r' .. ring .. ':' .. tile
  fields[#fields + 1] = 'n' .. ring
end
for s = 0, scalars - 1 do fields[#fields + 1] = ARGV[scalarArgs + 5 * s + 1] end
local old = redis.call('HMGET', key, unpack(fields))
local writes = {}
local function put(field, value) writes[#writes + 1] = field; writes[#writes + 1] = value end

if not old[1] or tonumber(ARGV[3]) > tonumber(old[1]) then put('h', ARGV[3]) end
for r = 0, rings - 1 do
  local ring, tile, deltas = ARGV[ringArgs + 3 * r], ARGV[ringArgs + 3 * r + 1], ARGV[ringArgs + 3 * r + 2]
  local stored, newest = old[2 + 2 * r], old[3 + 2 * r]
  if stored then
    local olds = {}
    for v in string.gmatch(stored, '[^,]+') do olds[#olds + 1] = tonumber(v) end
    local sums, k = {}, 1
    for v in string.gmatch(deltas, '[^,]+') do
      sums[k] = string.format('%.17g', (olds[k] or 0) + tonumber(v))
      k = k + 1
    end
    put('r' .. ring .. ':' .. tile, table.concat(sums, ','))
  else
    put('r' .. ring .. ':' .. tile, deltas)
  end
  if not newest or tonumber(tile) > tonumber(newest) then put('n' .. ring, tile) end
end
for s = 0, scalars - 1 do
  local base = scalarArgs + 5 * s
  local op, field, tsText, id, value = ARGV[base], ARGV[base + 1], ARGV[base + 2], ARGV[base + 3], ARGV[base + 4]
  local ts = tonumber(tsText)
  local stored = old[2 + 2 * rings + s]
  if op == 'min' then
    if not stored or ts < tonumber(stored) then put(field, tsText) end
  elseif op == 'max' or op == 'distinct' then
    if not stored or ts > tonumber(stored) then put(field, tsText) end
  else
    local newer = true
    if stored then
      local first = string.find(stored, '\\31', 1, true)
      local second = string.find(stored, '\\31', first + 1, true)
      local storedTs = tonumber(string.sub(stored, 1, first - 1))
      newer = ts > storedTs or (ts == storedTs and bytes_greater(id, string.sub(stored, first + 1, second - 1)))
    end
    if newer then put(field, tsText .. '\\31' .. id .. '\\31' .. value) end
  end
end
if #writes > 0 then redis.call('HSET', key, unpack(writes)) end
if ARGV[4] ~= '0' and redis.call('PEXPIRETIME', key) < tonumber(ARGV[4]) then
  redis.call('PEXPIREAT', key, ARGV[4])
end

-- Tiles and distinct values that no window can reach again: dropped once the hash has grown.
local size = redis.call('HLEN', key)
if size > tonumber(ARGV[5]) and size > tonumber(redis.call('HGET', key, 'p') or '0') then
  local spans = {}
  local spanCount = tonumber(ARGV[i]); i = i + 1
  for _ = 1, spanCount do spans[ARGV[i]] = tonumber(ARGV[i + 1]); i = i + 2 end
  local distinct = {}
  local distinctCount = tonumber(ARGV[i]); i = i + 1
  for _ = 1, distinctCount do
    distinct[#distinct + 1] = { ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]) }
    i = i + 3
  end
  local all = redis.call('HGETALL', key)
  local latestTs = tonumber(redis.call('HGET', key, 'h'))
  local stale = {}
  for j = 1, #all, 2 do
    local f = all[j]
    local c = string.sub(f, 1, 1)
    if c == 'r' then
      local colon = string.find(f, ':', 1, true)
      local ring = string.sub(f, 2, colon - 1)
      local newest = tonumber(redis.call('HGET', key, 'n' .. ring) or '0')
      if spans[ring] and tonumber(string.sub(f, colon + 1)) < newest - spans[ring] + 1 then stale[#stale + 1] = f end
    elseif c == 'd' then
      for _, d in ipairs(distinct) do
        if d[3] > 0 and string.sub(f, 1, #d[1]) == d[1] then
          if math.floor(tonumber(all[j + 1]) / d[2]) < math.floor(latestTs / d[2]) - d[3] + 1 then stale[#stale + 1] = f end
        end
      end
    end
  end
  for j = 1, #stale, 500 do
    redis.call('HDEL', key, unpack(stale, j, math.min(j + 499, #stale)))
  end
  redis.call('HSET', key, 'p', (size - #stale) * 2)
end
return 1
`;
