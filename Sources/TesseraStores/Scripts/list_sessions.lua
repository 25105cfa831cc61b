-- Lists a user's live sessions; drops index entries whose session is gone.
-- KEYS[1]  the user's index
-- ARGV[1]  now (ms)                ARGV[2]  key prefix of the user
-- Returns a flat array: id, dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle, per session.
-- The device name and the user agent are joined from their pieces, as check_session.lua joins them.
local now = tonumber(ARGV[1])

-- The pieces of `field` in the hash `key` from the n-th on, up to the first one missing.
local function rest(key, field, n)
  local parts, piece = {}, redis.call('HGET', key, field .. n)
  while piece do
    parts[#parts + 1] = piece
    n = n + 1
    piece = redis.call('HGET', key, field .. n)
  end
  return table.concat(parts)
end

local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. 's:' .. id
  local h = redis.call('HMGET', key, 'dev', 'dn', 'ip', 'ua', 'c', 'ls', 'ax', 'it', 'dn1', 'ua1', 'ua2')
  if h[1] and now < math.min(tonumber(h[6]) + tonumber(h[8]), tonumber(h[7])) then
    local dn = h[9] and h[2] .. h[9] .. rest(key, 'dn', 2) or h[2]
    local ua = h[10] and h[4] .. h[10] .. (h[11] and h[11] .. rest(key, 'ua', 3) or '') or h[4]
    for _, value in ipairs({id, h[1], dn, h[3], ua, h[5], h[6], h[7], h[8]}) do
      table.insert(out, value)
    end
  elseif not h[1] then
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
