-- Records that a service validated a ticket of a session, for single logout.
-- KEYS[1]  the session's registrations, a hash: ticket -> "<service id>\n<service URL>"
-- KEYS[2]  the index of sessions with registrations, a hash: session id -> user id
-- ARGV[1]  ticket   ARGV[2]  "<service id>\n<service URL>"   ARGV[3]  session id   ARGV[4]  user id
-- Returns 1.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[3], ARGV[4])
return 1
