-- Admits one request for one key under one rule, with GCRA (generic cell rate algorithm).
-- The key holds the theoretical arrival time (TAT): when the key would be back to a full
-- burst had nothing more arrived. An admitted request pushes the TAT on by one emission
-- interval; it is admitted while the pushed TAT stays within burst × interval of now.
-- KEYS[1]  the key's TAT: string, microseconds since 1970; expires when the TAT is reached
-- ARGV[1]  now (ms since 1970, from the calling node)
-- ARGV[2]  emission interval, period / limit (µs, at least 1)
-- ARGV[3]  burst (at least 1)
-- Returns {1, remaining} when admitted (how many more would be admitted now), or
--         {0, retry after (ms, rounded up)} when refused. A refusal writes nothing.
-- Microseconds since 1970 stay exact in Lua's doubles until the year 2255.
local now = tonumber(ARGV[1]) * 1000
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])

local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local nextTat = tat + interval
local allowAt = nextTat - burst * interval
if now < allowAt then
  return {0, math.ceil((allowAt - now) / 1000)}
end

-- Numbers are formatted here: handed to redis.call, a large one could come out as 1.8e+15.
redis.call('SET', KEYS[1], string.format('%d', nextTat), 'PX', string.format('%d', math.ceil((nextTat - now) / 1000)))
return {1, math.floor((now - allowAt) / interval)}
