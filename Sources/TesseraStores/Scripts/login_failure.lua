-- Counts one login failure of one identifier and sets its back-off lock, atomically.
-- KEYS[1]  the identifier's record, a hash: n (failures), lu (locked until, ms; 0 for none),
--          ra (when the count starts over, ms); expires then
-- ARGV[1]  now (ms since 1970, from the calling node)
-- ARGV[2]  failures before wait     ARGV[3]  minimum wait (ms)
-- ARGV[4]  maximum wait (ms)        ARGV[5]  reset after (ms)
-- Returns {failures, locked until (ms) or 0}.
-- The n-th failure locks for min(minimum wait × 2^(n − failures before wait), maximum wait)
-- once n reaches failures before wait.
local now = tonumber(ARGV[1])
local threshold = tonumber(ARGV[2])

-- The stored reset time decides, not the TTL: the TTL runs on Redis's clock, the rule on the node's.
local record = redis.call('HMGET', KEYS[1], 'n', 'ra')
local failures = 0
if record[1] and (tonumber(record[2]) or 0) > now then failures = tonumber(record[1]) end
failures = failures + 1

local lockedUntil = 0
if failures >= threshold then
  lockedUntil = now + math.min(tonumber(ARGV[3]) * 2 ^ (failures - threshold), tonumber(ARGV[4]))
end
-- A lock must not outlive its record, even when reset after is shorter than a wait.
local resetAt = math.max(now + tonumber(ARGV[5]), lockedUntil)

redis.call('HSET', KEYS[1], 'n', string.format('%d', failures),
  'lu', string.format('%d', lockedUntil), 'ra', string.format('%d', resetAt))
redis.call('PEXPIRE', KEYS[1], string.format('%d', resetAt - now))
return {failures, lockedUntil}
