-- Puts an account into the account cache, replacing what was there, with its lifetime,
-- unless the account was written since the reader's miss.
-- KEYS[1]  the entry (<ns>:{u:<tag>}:a:<user id>)
-- KEYS[2]  the account's write stamp (<ns>:{u:<tag>}:aw:<user id>)
-- ARGV[1]  lifetime (ms)           ARGV[2]  the stamp the miss answered ('' for none)
-- ARGV[3..]  field, value, field, value, …
-- Returns 1 when kept, 0 when the stamp has changed (the copy may predate a write).
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[2] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
