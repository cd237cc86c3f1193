-- Sets a new TTL on the lock if ARGV[1] owns it.
-- KEYS[1] lock key, KEYS[2] its fencing-token key; ARGV[1] owner token; ARGV[2] new TTL in ms;
-- ARGV[3] release channel; ARGV[4] the user's key.
-- Returns {1, fencing token or false} extended, {0} not held, {-1} held by another owner.
local refused = not_the_owner()
if refused then
  return refused
end
local remaining = redis.call('PTTL', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if remaining > tonumber(ARGV[2]) then
  -- waiters scheduled a look at the old expiry: tell them it came closer
  redis.call('PUBLISH', ARGV[3], ARGV[4])
end
return {1, redis.call('GET', KEYS[2])}
