-- Drops an account from the account cache and replaces its write stamp, so that a copy read
-- before this cannot be kept after it.
-- KEYS[1]  the entry (<ns>:{u:<tag>}:a:<user id>)
-- KEYS[2]  the account's write stamp (<ns>:{u:<tag>}:aw:<user id>)
-- ARGV[1]  a fresh random stamp    ARGV[2]  the stamp's lifetime (ms)
-- Returns 1.
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1
