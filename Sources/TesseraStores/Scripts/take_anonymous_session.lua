-- Ends a live anonymous session and returns its data, in one step: at login its data moves
-- to the new session, and no write can reach the old one after it was read.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)                ARGV[2]  reason
-- ARGV[3]  tombstone lifetime (ms)
-- Returns {"ok", key, value, ...} with the keys without their "d:" prefix, or {"none"}
-- (changing nothing) when there is no live anonymous session: a user's is left alone.
local h = redis.call('HMGET', KEYS[1], 'uid', 'ls', 'it', 'ax')
if h[1] ~= '' then return {'none'} end
if tonumber(ARGV[1]) >= math.min(tonumber(h[2]) + tonumber(h[3]), tonumber(h[4])) then return {'none'} end
local result = {'ok'}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  if string.sub(fields[i], 1, 2) == 'd:' then
    table.insert(result, string.sub(fields[i], 3))
    table.insert(result, fields[i + 1])
  end
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return result
