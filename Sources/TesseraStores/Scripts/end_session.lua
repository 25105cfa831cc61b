-- Ends one session and leaves a tombstone with the reason.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  reason                  ARGV[2]  tombstone lifetime (ms)
-- ARGV[3]  key prefix of the user  ARGV[4]  session id
-- ARGV[5]  required owner's user id, "" for any
-- Returns the session's user id, or false when no live session (of that owner) was found.
local uid = redis.call('HGET', KEYS[1], 'uid')
if not uid or (ARGV[5] ~= '' and uid ~= ARGV[5]) then return false end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('ZREM', ARGV[3] .. 'i:' .. uid, ARGV[4])
return uid
