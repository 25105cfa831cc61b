-- Creates a session under the device policy, atomically for the user.
-- KEYS[1]  the user's index: sorted set of session ids scored by expiry (ms)
-- KEYS[2]  the new session's hash
-- ARGV[1]  now (ms)              ARGV[2]  key prefix of the user, e.g. "tessera:{u:ab12}:"
-- ARGV[3]  new session id        ARGV[4]  user id
-- ARGV[5]  device type           ARGV[6]  device name ("" for none)
-- ARGV[7]  ip ("" for none)      ARGV[8]  user agent ("" for none)
-- ARGV[9]  idle timeout (ms)     ARGV[10] absolute timeout (ms)
-- ARGV[11] maximum sessions, 0 for unlimited
-- ARGV[12] "1" for one session per device type
-- ARGV[13] "replace" or "reject" ARGV[14] tombstone lifetime (ms)
-- Returns {"ok", replaced id, ...} or {"limit"}.
-- The device name and the user agent are written in pieces (see value_pieces.lua).
-- include: value_pieces
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local idle, absolute = tonumber(ARGV[9]), tonumber(ARGV[10])
local maximum = tonumber(ARGV[11])

-- The user's live sessions, oldest first; stale index entries are dropped on the way.
local live = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local h = redis.call('HMGET', prefix .. 's:' .. id, 'c', 'dev', 'ls', 'it', 'ax')
  if h[1] and now < math.min(tonumber(h[3]) + tonumber(h[4]), tonumber(h[5])) then
    table.insert(live, {id = id, created = tonumber(h[1]), device = h[2]})
  else
    redis.call('DEL', prefix .. 's:' .. id)
    redis.call('ZREM', KEYS[1], id)
  end
end
table.sort(live, function(a, b)
  if a.created == b.created then return a.id < b.id end
  return a.created < b.created
end)

local victims, isVictim = {}, {}
if ARGV[12] == '1' then
  for _, s in ipairs(live) do
    if s.device == ARGV[5] then table.insert(victims, s.id); isVictim[s.id] = true end
  end
end
if maximum > 0 then
  local remaining = #live - #victims
  for _, s in ipairs(live) do
    if remaining < maximum then break end
    if not isVictim[s.id] then
      table.insert(victims, s.id); isVictim[s.id] = true
      remaining = remaining - 1
    end
  end
end
if #victims > 0 and ARGV[13] == 'reject' then return {'limit'} end

for _, id in ipairs(victims) do
  redis.call('DEL', prefix .. 's:' .. id)
  redis.call('SET', prefix .. 't:' .. id, 'REPLACED', 'PX', ARGV[14])
  redis.call('ZREM', KEYS[1], id)
end

local lifetime = math.min(idle, absolute)
local fields = {'uid', ARGV[4], 'dev', ARGV[5], 'ip', ARGV[7],
  'c', ARGV[1], 'ls', ARGV[1], 'it', ARGV[9], 'ax', string.format('%.0f', now + absolute)}
pieces(fields, 'dn', ARGV[6])
pieces(fields, 'ua', ARGV[8])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIRE', KEYS[2], lifetime)
redis.call('ZADD', KEYS[1], string.format('%.0f', now + lifetime), ARGV[3])
redis.call('PEXPIRE', KEYS[1], absolute)

local result = {'ok'}
for _, id in ipairs(victims) do table.insert(result, id) end
return result
