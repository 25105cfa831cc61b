-- Ends a user's sessions, leaving tombstones with the reason.
-- KEYS[1]  the user's index
-- ARGV[1]  reason                  ARGV[2]  tombstone lifetime (ms)
-- ARGV[3]  key prefix of the user  ARGV[4]  session id to keep, "" for none
-- ARGV[5]  only this device type, "" for all
-- Returns the ids of the sessions ended.
local ended = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[3] .. 's:' .. id
  local device = redis.call('HGET', key, 'dev')
  if not device then
    redis.call('ZREM', KEYS[1], id)
  elseif id ~= ARGV[4] and (ARGV[5] == '' or device == ARGV[5]) then
    redis.call('DEL', key)
    redis.call('SET', ARGV[3] .. 't:' .. id, ARGV[1], 'PX', ARGV[2])
    redis.call('ZREM', KEYS[1], id)
    table.insert(ended, id)
  end
end
return ended
