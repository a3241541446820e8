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
 * WRITE_IF_NEWER for many keys in one call, for bulk materialization on a single Redis node (a
 * script may only touch keys of one slot on a cluster, where the one-key script is used instead).
 * KEYS: the values' keys. ARGV: per key, its encoded value and expire-at ms. The event and
 * created times are read from the value's own header, so each row costs two arguments, not four
 * (the expire-at comes ready-made: formatting a number in Lua costs more than the SET itself).
 * Returns how many were written.
 */
export const WRITE_MANY_IF_NEWER = `
local written = 0
for k = 1, #KEYS do
  local value = ARGV[2 * k - 1]
  local write = true
  local stored = redis.call('GETRANGE', KEYS[k], 0, 16)
  if #stored == 17 then
    local event = struct.unpack('<d', value, 2)
    local storedEvent = struct.unpack('<d', stored, 2)
    write = not (event < storedEvent or (event == storedEvent and struct.unpack('<d', value, 10) < struct.unpack('<d', stored, 10)))
  end
  if write then
    redis.call('SET', KEYS[k], value, 'PXAT', ARGV[2 * k])
    written = written + 1
  end
end
return written
`;

/**
 * Applies one event to one entity's window aggregates of one view, exactly once.
 * KEYS[1]: the state hash; KEYS[2]: the dedupe set of the event's day.
 * ARGV (few and packed, since an event is applied twice per payment at stream rate):
 *   1 dedupe id ('' when the update is idempotent anyway), 2 dedupe set expire-at, 3 event time ms,
 *   4 state expire-at ('0': never), 5 prune threshold,
 *   6 ring updates: "<ring> <tile> <delta,delta,…>" joined by ';',
 *   7 scalar updates: "<op>\31<field>\31<time>\31<id>\31<value>" joined by '\30'
 *     (op: min | max | distinct | last),
 *   8 prune spec, read only when pruning: "<ring>:<tiles>,…|<distinct prefix>:<tile ms>:<tiles>,…".
 * Returns 1 when applied, 0 when the id was already counted.
 *
 * Hash fields: h (latest event time), r<ring>:<tile> (measures of a tile), n<ring> (newest tile),
 * s<slot> (first/last time, or "time\31id\31value" for last), d<slot>:<value> (latest time seen),
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

local rings, scalars = {}, {}
for ring, tile, deltas in string.gmatch(ARGV[6], '([^ ;]+) ([^ ;]+) ([^;]+)') do
  rings[#rings + 1] = { ring, tile, deltas }
end
for entry in string.gmatch(ARGV[7], '[^\\30]+') do
  local op, field, ts, id, value = string.match(entry, '^([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31([^\\31]*)\\31(.*)$')
  scalars[#scalars + 1] = { op, field, ts, id, value }
end

-- Read every field this update touches in one HMGET, write them back in one HSET.
local fields = { 'h' }
for r = 1, #rings do
  fields[#fields + 1] = 'r' .. rings[r][1] .. ':' .. rings[r][2]
  fields[#fields + 1] = 'n' .. rings[r][1]
end
for s = 1, #scalars do fields[#fields + 1] = scalars[s][2] end
local old = redis.call('HMGET', key, unpack(fields))
local writes = {}
local function put(field, value) writes[#writes + 1] = field; writes[#writes + 1] = value end

if not old[1] or tonumber(ARGV[3]) > tonumber(old[1]) then put('h', ARGV[3]) end
for r = 1, #rings do
  local ring, tile, deltas = rings[r][1], rings[r][2], rings[r][3]
  local stored, newest = old[2 * r], old[2 * r + 1]
  if stored then
    local olds = {}
    for v in string.gmatch(stored, '[^,]+') do olds[#olds + 1] = v end
    local k = 1
    for v in string.gmatch(deltas, '[^,]+') do
      -- Most measures of an event are 0 (its filters do not match): keep their text as it is.
      if v ~= '0' then olds[k] = string.format('%.17g', tonumber(olds[k] or '0') + tonumber(v)) end
      if not olds[k] then olds[k] = '0' end
      k = k + 1
    end
    put('r' .. ring .. ':' .. tile, table.concat(olds, ','))
  else
    put('r' .. ring .. ':' .. tile, deltas)
  end
  if not newest or tonumber(tile) > tonumber(newest) then put('n' .. ring, tile) end
end
for s = 1, #scalars do
  local op, field, tsText, id, value = scalars[s][1], scalars[s][2], scalars[s][3], scalars[s][4], scalars[s][5]
  local ts = tonumber(tsText)
  local stored = old[1 + 2 * #rings + s]
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
  local spanText, distinctText = string.match(ARGV[8], '^([^|]*)|(.*)$')
  local spans = {}
  for ring, tiles in string.gmatch(spanText, '([^:,]+):([^,]+)') do spans[ring] = tonumber(tiles) end
  local distinct = {}
  for prefix, tileMs, tiles in string.gmatch(distinctText, '([^,]+:):([^:,]+):([^,]+)') do
    distinct[#distinct + 1] = { prefix, tonumber(tileMs), tonumber(tiles) }
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

/**
 * APPLY_AGGREGATE_EVENT for several (event, entity) updates in one call, on a single Redis node
 * (a cluster script may only touch one slot, so there each update is its own call). The one-update
 * script runs unchanged as a function whose parameters shadow KEYS and ARGV. KEYS: two per
 * update, as the one-update script's; ARGV: eight per update, likewise. Returns how many were
 * applied (the others were already counted). Calls stay small (a few updates), since Redis serves
 * no reads while a script runs.
 */
export const APPLY_AGGREGATE_EVENTS = `
local function apply_one(KEYS, ARGV)
${APPLY_AGGREGATE_EVENT}
end
local applied = 0
local keys, args = {}, {}
for u = 1, #KEYS / 2 do
  keys[1], keys[2] = KEYS[2 * u - 1], KEYS[2 * u]
  for a = 1, 8 do args[a] = ARGV[8 * (u - 1) + a] end
  applied = applied + apply_one(keys, args)
end
return applied
`;
