-- Takes the (write) lock if it is free.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the fencing counter, KEYS[4] the writers
-- waiting behind readers (see lib/readers.lua); ARGV[1] owner token (lockKey); ARGV[2] TTL in
-- milliseconds; ARGV[3] optional: how many ms more the caller will wait if it is refused (a call that
-- tries once leaves it out).
-- Returns {1, fencing token} when acquired, {0, remaining TTL in ms of the current holder} when
-- held (-1: the holder's key has no TTL, set by someone else without one), {0, TTL, 1} when readers
-- hold it and the caller now waits in KEYS[4] until its wait is over: no new reader gets in meanwhile.
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[3] then
    redis.call('ZREM', KEYS[4], ARGV[1])
  end
  return {1, grant_fencing_token(ARGV[2])}
end
if ARGV[3] and redis.call('GET', KEYS[1]) == READERS then
  redis.call('ZADD', KEYS[4], now_ms() + tonumber(ARGV[3]), ARGV[1])
  expire_with_last(KEYS[4])
  return {0, redis.call('PTTL', KEYS[1]), 1}
end
return {0, redis.call('PTTL', KEYS[1])}
