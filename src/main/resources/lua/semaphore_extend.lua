-- Sets a new TTL on the permit ARGV[1] holds.
-- KEYS[1] the holders, KEYS[2] sizes and tokens (see lib/semaphore.lua); ARGV[1] owner token;
-- ARGV[2] new TTL in ms; ARGV[3] release channel; ARGV[4] the user's key.
-- Returns {1, fencing token} extended, {0} no permit held at all, {-1} ARGV[1] holds none of them.
local now = now_ms()
local holders = prune(now)
local refused = not_a_holder(holders)
if refused then
  return refused
end
local earliest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
expire_with_last_permit()
if holders >= tonumber(redis.call('HGET', KEYS[2], ':permits') or '0')
    and now + tonumber(ARGV[2]) < tonumber(earliest[2]) then
  -- waiters of a full semaphore scheduled a look at the earliest expiry: tell them it came closer
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return {1, redis.call('HGET', KEYS[2], ARGV[1])}
