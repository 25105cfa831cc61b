-- Writes attributes of a live session, all or none, within the data limits. Each attribute
-- is its own field "d:<key>"; "dc" counts them and "ds" sums the bytes of their keys and
-- values, so the limits are checked without reading the other attributes.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)
-- ARGV[2]  maximum bytes of a value
-- ARGV[3]  maximum number of attributes
-- ARGV[4]  maximum bytes of all keys and values
-- ARGV[5], ARGV[6], ...  key, value, key, value, ... (keys without "d:", each at most once)
-- Returns {"ok"}, {"limit", "value"|"count"|"size"} (nothing written),
--      or {"gone", reason} as check_session.lua would answer.
-- The limits are checked in the order SessionDataLimits.exceeded checks them.
local h = redis.call('HMGET', KEYS[1], 'ls', 'it', 'ax', 'dc', 'ds')
if not h[1] then return {'gone', redis.call('GET', KEYS[2]) or 'SESSION_EXPIRED'} end
if tonumber(ARGV[1]) >= math.min(tonumber(h[1]) + tonumber(h[2]), tonumber(h[3])) then
  return {'gone', 'SESSION_EXPIRED'}
end
for i = 6, #ARGV, 2 do
  if #ARGV[i] > tonumber(ARGV[2]) then return {'limit', 'value'} end
end
local count, size = tonumber(h[4]) or 0, tonumber(h[5]) or 0
for i = 5, #ARGV, 2 do
  local key, field = ARGV[i], 'd:' .. ARGV[i]
  if redis.call('HEXISTS', KEYS[1], field) == 1 then
    size = size - #key - redis.call('HSTRLEN', KEYS[1], field)
  else
    count = count + 1
  end
  size = size + #key + #ARGV[i + 1]
end
if count > tonumber(ARGV[3]) then return {'limit', 'count'} end
if size > tonumber(ARGV[4]) then return {'limit', 'size'} end
for i = 5, #ARGV, 2 do
  redis.call('HSET', KEYS[1], 'd:' .. ARGV[i], ARGV[i + 1])
end
redis.call('HSET', KEYS[1], 'dc', string.format('%d', count), 'ds', string.format('%d', size))
return {'ok'}
