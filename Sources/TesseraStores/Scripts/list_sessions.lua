-- Lists a user's live sessions; drops index entries whose session is gone.
-- KEYS[1]  the user's index
-- ARGV[1]  now (ms)                ARGV[2]  key prefix of the user
-- Returns a flat array: id, dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle, per session.
-- The device name and the user agent are joined from their pieces, as check_session.lua joins them.
local now = tonumber(ARGV[1])

-- The value whose first pieces are `read` (as HMGET answered them, false when missing), with
-- the pieces that follow them in the hash `key` when the last one read is there.
local function joined(key, field, read)
  local parts = {}
  for _, piece in ipairs(read) do
    if not piece then return table.concat(parts) end
    parts[#parts + 1] = piece
  end
  local piece = redis.call('HGET', key, field .. #parts)
  while piece do
    parts[#parts + 1] = piece
    piece = redis.call('HGET', key, field .. #parts)
  end
  return table.concat(parts)
end

local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[2] .. 's:' .. id
  local h = redis.call('HMGET', key, 'dev', 'dn', 'ip', 'ua', 'c', 'ls', 'ax', 'it', 'dn1', 'ua1', 'ua2')
  if h[1] and now < math.min(tonumber(h[6]) + tonumber(h[8]), tonumber(h[7])) then
    for _, value in ipairs({id, h[1], joined(key, 'dn', {h[2], h[9]}), h[3], joined(key, 'ua', {h[4], h[10], h[11]}),
      h[5], h[6], h[7], h[8]}) do
      table.insert(out, value)
    end
  elseif not h[1] then
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
