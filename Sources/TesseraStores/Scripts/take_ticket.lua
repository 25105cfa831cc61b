-- Takes a service ticket once: reads its grant and deletes it in one step, so of any number
-- of concurrent validations exactly one sees the grant.
-- KEYS[1]  the ticket's hash: s (service URL), sid (service id), u (user id), ss (session id),
--          a (authenticated at, ms), n (1 when from a new login), x (expires at, ms)
-- ARGV[1]  now (ms since 1970, from the calling node)
-- Returns {s, sid, u, ss, a, n, x} or nil when there is no ticket or it has expired.
local grant = redis.call('HMGET', KEYS[1], 's', 'sid', 'u', 'ss', 'a', 'n', 'x')
if not grant[1] then return nil end
redis.call('DEL', KEYS[1])
-- The stored expiry decides, not the TTL: the TTL runs on Redis's clock, the rule on the node's.
if tonumber(grant[7]) <= tonumber(ARGV[1]) then return nil end
return grant
