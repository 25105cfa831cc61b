-- Reads a session; refuses it with its reason; renews it when due. The hot path: one call.
-- KEYS[1]  the session's hash      KEYS[2]  its tombstone
-- ARGV[1]  now (ms)                ARGV[2]  renewal interval (ms)
-- ARGV[3]  key prefix of the user  ARGV[4]  session id
-- ARGV[5]  renewal interval of an anonymous session (ms)
-- ARGV[6]  empty, or the infix of the account cache's keys: then the user's cached account
--          (the hash <prefix><infix><uid>, in the same slot) is returned too, as HGETALL
--          answers it (empty when not cached)
-- Returns {"ok", uid, dev, dn, ip, ua, created, lastSeen, absoluteExpiry, idle[, account]}
--      or {"gone", reason}.
-- An anonymous session has an empty uid, no index entry and no account.
-- The device name and the user agent are kept in pieces (see value_pieces.lua): the first two
-- of the name and three of the agent are read with the rest of the session.
-- include: value_pieces
local h = redis.call('HMGET', KEYS[1], 'uid', 'dev', 'dn', 'ip', 'ua', 'c', 'ls', 'ax', 'it', 'dn1', 'ua1', 'ua2')
if not h[1] then
  return {'gone', redis.call('GET', KEYS[2]) or 'SESSION_EXPIRED'}
end
local now = tonumber(ARGV[1])
local lastSeen, absolute, idle = tonumber(h[7]), tonumber(h[8]), tonumber(h[9])
local anonymous = h[1] == ''
local index = ARGV[3] .. 'i:' .. h[1]
if now >= math.min(lastSeen + idle, absolute) then
  redis.call('DEL', KEYS[1])
  if not anonymous then redis.call('ZREM', index, ARGV[4]) end
  return {'gone', 'SESSION_EXPIRED'}
end
if now - lastSeen >= tonumber(anonymous and ARGV[5] or ARGV[2]) then
  local expiry = math.min(now + idle, absolute)
  redis.call('HSET', KEYS[1], 'ls', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], string.format('%.0f', expiry - now))
  if not anonymous then redis.call('ZADD', index, string.format('%.0f', expiry), ARGV[4]) end
  h[7] = ARGV[1]
end

local dn = joined(KEYS[1], 'dn', {h[3], h[10]}, 2)
local ua = joined(KEYS[1], 'ua', {h[5], h[11], h[12]}, 3)

local reply = {'ok', h[1], h[2], dn, h[4], ua, h[6], h[7], h[8], h[9]}
if ARGV[6] ~= nil and ARGV[6] ~= '' and not anonymous then
  reply[11] = redis.call('HGETALL', ARGV[3] .. ARGV[6] .. h[1])
end
return reply
