-- Removes one attribute of a live session and keeps the "dc" and "ds" tallies
-- (see set_session_data.lua) true.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)                ARGV[2]  the key, without "d:"
-- Returns {"ok"} (also when there was no such attribute),
--      or {"gone", reason} as check_session.lua would answer.
local h = redis.call('HMGET', KEYS[1], 'ls', 'it', 'ax', 'dc', 'ds')
if not h[1] then return {'gone', redis.call('GET', KEYS[2]) or 'SESSION_EXPIRED'} end
if tonumber(ARGV[1]) >= math.min(tonumber(h[1]) + tonumber(h[2]), tonumber(h[3])) then
  return {'gone', 'SESSION_EXPIRED'}
end
local field = 'd:' .. ARGV[2]
local length = redis.call('HSTRLEN', KEYS[1], field)
if redis.call('HDEL', KEYS[1], field) == 1 then
  redis.call('HSET', KEYS[1], 'dc', string.format('%d', tonumber(h[4]) - 1),
    'ds', string.format('%d', tonumber(h[5]) - #ARGV[2] - length))
end
return {'ok'}
