-- Lists a user's live sessions; drops index entries whose session is gone.
-- KEYS[1]  the user's index
-- ARGV[1]  now (ms)                ARGV[2]  key prefix of the user
-- Returns a flat array: id, dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle, per session.
-- The device name and the user agent are joined from their pieces (see value_pieces.lua).
-- include: value_pieces
local now = tonumber(ARGV[1])

local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. 's:' .. id
  local h = redis.call('HMGET', key, 'dev', 'dn', 'ip', 'ua', 'c', 'ls', 'ax', 'it', 'dn1', 'ua1', 'ua2')
  if h[1] and now < math.min(tonumber(h[6]) + tonumber(h[8]), tonumber(h[7])) then
    local dn = joined(key, 'dn', {h[2], h[9]}, 2)
    local ua = joined(key, 'ua', {h[4], h[10], h[11]}, 3)
    for _, value in ipairs({id, h[1], dn, h[3], ua, h[5], h[6], h[7], h[8]}) do
      table.insert(out, value)
    end
  elseif not h[1] then
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
