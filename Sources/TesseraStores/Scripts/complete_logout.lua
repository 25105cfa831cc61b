-- Forgets a logout delivery: delivered, or given up.
-- KEYS[1]  the queue (sorted set)   KEYS[2]  the delivery's hash
-- ARGV[1]  ticket
-- Returns 1.
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1
