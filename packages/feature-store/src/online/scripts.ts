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

local i = 6
local rings = tonumber(ARGV[i]); i = i + 1
for _ = 1, rings do
  local ring, tile, deltas = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  local field = 'r' .. ring .. ':' .. tile
  local old = redis.call('HGET', key, field)
  if old then
    local olds = {}
    for v in string.gmatch(old, '[^,]+') do olds[#olds + 1] = tonumber(v) end
    local sums, k = {}, 1
    for v in string.gmatch(deltas, '[^,]+') do
      sums[k] = string.format('%.17g', (olds[k] or 0) + tonumber(v))
      k = k + 1
    end
    redis.call('HSET', key, field, table.concat(sums, ','))
  else
    redis.call('HSET', key, field, deltas)
  end
  local newest = redis.call('HGET', key, 'n' .. ring)
  if not newest or tonumber(tile) > tonumber(newest) then redis.call('HSET', key, 'n' .. ring, tile) end
end

local scalars = tonumber(ARGV[i]); i = i + 1
for _ = 1, scalars do
  local op, field, tsText, id, value = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  i = i + 5
  local ts = tonumber(tsText)
  local old = redis.call('HGET', key, field)
  if op == 'min' then
    if not old or ts < tonumber(old) then redis.call('HSET', key, field, tsText) end
  elseif op == 'max' or op == 'distinct' then
    if not old or ts > tonumber(old) then redis.call('HSET', key, field, tsText) end
  else
    local newer = true
    if old then
      local first = string.find(old, '\\31', 1, true)
      local second = string.find(old, '\\31', first + 1, true)
      local oldTs = tonumber(string.sub(old, 1, first - 1))
      newer = ts > oldTs or (ts == oldTs and bytes_greater(id, string.sub(old, first + 1, second - 1)))
    end
    if newer then redis.call('HSET', key, field, tsText .. '\\31' .. id .. '\\31' .. value) end
  end
end

local latest = redis.call('HGET', key, 'h')
if not latest or tonumber(ARGV[3]) > tonumber(latest) then redis.call('HSET', key, 'h', ARGV[3]) end
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
