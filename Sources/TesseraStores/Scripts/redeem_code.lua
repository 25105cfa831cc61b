-- Tries a one-time code once: a right answer uses the code up, a wrong one counts, and the
-- count that reaches the maximum burns the code. One step, so that of many simultaneous
-- tries exactly one right answer wins and every wrong one counts.
-- KEYS[1]  the slot (see issue_code.lua)
-- ARGV[1]  now (ms since 1970, from the calling node)
-- ARGV[2]  wrong tries that burn a code
-- ARGV[3]  how long wrong tries are remembered after the first one (ms)
-- ARGV[4…] the keyed hashes the answer may have (unbound, and bound to the asking session)
-- Returns 1 when accepted, 0 when rejected (wrong, expired, used, burned or never sent).
local now = tonumber(ARGV[1])
local record = redis.call('HMGET', KEYS[1], 'h', 'e', 'f', 'fr')
if not record[1] then return 0 end

local expiresAt = tonumber(record[2])
local failures, forgetAt = 0, 0
if (tonumber(record[4]) or 0) > now then
  failures = tonumber(record[3])
  forgetAt = tonumber(record[4])
end

-- Equality of keyed hashes: the caller cannot choose hashes, so timing tells it nothing.
local matches = false
for i = 4, #ARGV do
  if record[1] == ARGV[i] then matches = true end
end
if expiresAt > now and failures < tonumber(ARGV[2]) and matches then
  redis.call('DEL', KEYS[1])
  return 1
end

if failures == 0 then forgetAt = now + tonumber(ARGV[3]) end
failures = failures + 1
redis.call('HSET', KEYS[1], 'f', string.format('%d', failures), 'fr', string.format('%d', forgetAt))
redis.call('PEXPIRE', KEYS[1], string.format('%d', math.max(expiresAt, forgetAt) - now))
return 0
