-- Puts an account into the account cache, replacing what was there, with its lifetime.
-- KEYS[1]  the entry (<ns>:{u:<tag>}:a:<user id>)
-- ARGV[1]  lifetime (ms)           ARGV[2..]  field, value, field, value, …
-- Returns 1.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
