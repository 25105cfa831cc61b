-- Puts a new one-time code in its slot, replacing any pending code but keeping the wrong
-- tries counted against the slot, atomically.
-- KEYS[1]  the slot, a hash: h (keyed hash of the code), e (code expires at, ms),
--          f (wrong tries), fr (when the wrong tries are forgotten, ms; 0 for none);
--          expires when both the code and its count have run out
-- ARGV[1]  now (ms since 1970, from the calling node)
-- ARGV[2]  keyed hash of the new code
-- ARGV[3]  code lifetime (ms)
-- Returns 1.
local now = tonumber(ARGV[1])
local expiresAt = now + tonumber(ARGV[3])

-- A resend must not buy five more guesses: the count stays until its own time is up.
local record = redis.call('HMGET', KEYS[1], 'f', 'fr')
local failures, forgetAt = 0, 0
if record[1] and (tonumber(record[2]) or 0) > now then
  failures = tonumber(record[1])
  forgetAt = tonumber(record[2])
end

redis.call('HSET', KEYS[1], 'h', ARGV[2], 'e', string.format('%d', expiresAt),
  'f', string.format('%d', failures), 'fr', string.format('%d', forgetAt))
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(expiresAt, forgetAt) - now))
return 1
