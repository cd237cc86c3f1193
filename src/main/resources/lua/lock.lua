-- Takes the lock if it is free.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the fencing counter;
-- ARGV[1] owner token (lockKey); ARGV[2] TTL in milliseconds.
-- Returns {1, fencing token} when acquired, {0, remaining TTL in ms of the current holder} when
-- held (-1: the holder's key has no TTL, set by someone else without one).
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, grant_fencing_token(ARGV[2])}
end
return {0, redis.call('PTTL', KEYS[1])}
