-- Moves the single-logout registrations of ended sessions into the delivery queue, in one
-- step, so a registration is either still registered or queued, never lost in between.
-- KEYS[1]  the index of sessions with registrations (hash: session id -> user id)
-- KEYS[2]  the queue, a sorted set: ticket scored by when it is due (ms)
-- ARGV[1]  now (ms)   ARGV[2]  key prefix ("<ns>:{slo}:")   ARGV[3…]  session ids
-- Per queued delivery it writes <prefix>d:<ticket>, a hash: s (service id), u (service URL),
-- n (attempts so far). Registrations live at <prefix>r:<session id>. All keys share the
-- {slo} hash tag, so this is one slot on Redis Cluster.
-- Returns how many deliveries were queued.
local queued = 0
for i = 3, #ARGV do
  local registrations = ARGV[2] .. 'r:' .. ARGV[i]
  local entries = redis.call('HGETALL', registrations)
  for j = 1, #entries, 2 do
    local ticket, value = entries[j], entries[j + 1]
    local newline = string.find(value, '\n', 1, true)
    redis.call('HSET', ARGV[2] .. 'd:' .. ticket, 's', string.sub(value, 1, newline - 1),
      'u', string.sub(value, newline + 1), 'n', '0')
    redis.call('ZADD', KEYS[2], ARGV[1], ticket)
    queued = queued + 1
  end
  redis.call('DEL', registrations)
  redis.call('HDEL', KEYS[1], ARGV[i])
end
return queued
