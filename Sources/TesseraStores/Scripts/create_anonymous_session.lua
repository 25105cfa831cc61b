-- Creates a session without a user: an empty uid, no index entry, no device policy.
-- KEYS[1]  the new session's hash
-- ARGV[1]  now (ms)              ARGV[2]  ip ("" for none)
-- ARGV[3]  user agent ("" for none)
-- ARGV[4]  idle timeout (ms)     ARGV[5]  absolute timeout (ms)
-- Returns "ok". One script so the hash never exists without its TTL.
-- The user agent is written in pieces (see value_pieces.lua).
-- include: value_pieces
local now = tonumber(ARGV[1])
local idle, absolute = tonumber(ARGV[4]), tonumber(ARGV[5])

local fields = {'uid', '', 'dev', 'web', 'dn', '', 'ip', ARGV[2],
  'c', ARGV[1], 'ls', ARGV[1], 'it', ARGV[4], 'ax', string.format('%.0f', now + absolute)}
pieces(fields, 'ua', ARGV[3])
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIRE', KEYS[1], math.min(idle, absolute))
return 'ok'
