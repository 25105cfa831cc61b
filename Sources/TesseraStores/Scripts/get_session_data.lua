-- Reads every attribute of a live session.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)
-- Returns {"ok", key, value, ...} with the keys without their "d:" prefix,
--      or {"gone", reason} as check_session.lua would answer.
local h = redis.call('HMGET', KEYS[1], 'ls', 'it', 'ax')
if not h[1] then return {'gone', redis.call('GET', KEYS[2]) or 'SESSION_EXPIRED'} end
if tonumber(ARGV[1]) >= math.min(tonumber(h[1]) + tonumber(h[2]), tonumber(h[3])) then
  return {'gone', 'SESSION_EXPIRED'}
end
local result = {'ok'}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'd:' then
    table.insert(result, string.sub(fields[i], 3))
    table.insert(result, fields[i + 1])
  end
end
return result
