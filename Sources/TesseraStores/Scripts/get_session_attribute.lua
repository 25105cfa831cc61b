-- Reads one attribute of a live session.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)                ARGV[2]  the key, without "d:"
-- Returns {"ok", value} ({"ok"} when the session has no such attribute),
--      or {"gone", reason} as check_session.lua would answer.
local h = redis.call('HMGET', KEYS[1], 'ls', 'it', 'ax', 'd:' .. ARGV[2])
if not h[1] then return {'gone', redis.call('GET', KEYS[2]) or 'SESSION_EXPIRED'} end
if tonumber(ARGV[1]) >= math.min(tonumber(h[1]) + tonumber(h[2]), tonumber(h[3])) then
  return {'gone', 'SESSION_EXPIRED'}
end
if not h[4] then return {'ok'} end
return {'ok', h[4]}
