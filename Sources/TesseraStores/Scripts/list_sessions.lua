-- Lists a user's live sessions; drops index entries whose session is gone.
-- KEYS[1]  the user's index
-- ARGV[1]  now (ms)                ARGV[2]  key prefix of the user
-- Returns a flat array: id, dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle, per session.
local now = tonumber(ARGV[1])
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HMGET', ARGV[2] .. 's:' .. id, 'dev', 'dn', 'ip', 'ua', 'c', 'ls', 'ax', 'it')
  if h[1] and now < math.min(tonumber(h[6]) + tonumber(h[8]), tonumber(h[7])) then
    table.insert(out, id)
    for i = 1, 8 do table.insert(out, h[i]) end
  elseif not h[1] then
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
