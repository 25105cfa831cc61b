-- Claims the logout deliveries that are due: each counts one more attempt and is hidden from
-- other claims until its lease runs out (then it is due again, should its node have died).
-- KEYS[1]  the queue, a sorted set: ticket scored by when it is due (ms)
-- ARGV[1]  now (ms)   ARGV[2]  most to claim   ARGV[3]  lease (ms)   ARGV[4]  key prefix
-- Returns a flat list: ticket, service id, service URL, attempts; four per delivery.
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local claimed = {}
for _, ticket in ipairs(due) do
  local delivery = ARGV[4] .. 'd:' .. ticket
  local fields = redis.call('HMGET', delivery, 's', 'u')
  if fields[1] then
    local attempts = redis.call('HINCRBY', delivery, 'n', 1)
    redis.call('ZADD', KEYS[1], string.format('%d', now + tonumber(ARGV[3])), ticket)
    table.insert(claimed, ticket)
    table.insert(claimed, fields[1])
    table.insert(claimed, fields[2])
    table.insert(claimed, attempts)
  else
    redis.call('ZREM', KEYS[1], ticket)
  end
end
return claimed
