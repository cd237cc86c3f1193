-- Sets a new TTL on the lock if ARGV[1] owns it (as the writer, or as one of the readers).
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the readers, KEYS[4] the readers' tokens
-- (see lib/readers.lua); ARGV[1] owner token; ARGV[2] new TTL in ms; ARGV[3] release channel;
-- ARGV[4] the user's key.
-- Returns {1, fencing token or false} extended, {0} not held, {-1} held by another owner.
local holder = redis.call('GET', KEYS[1])
if holder == READERS then
  local refused, _, latest = not_a_reader(KEYS[3], KEYS[4])
  if refused then
    return refused
  end
  redis.call('ZADD', KEYS[3], 'XX', now_ms() + tonumber(ARGV[2]), ARGV[1])
  if expire_with_last(KEYS[3], KEYS[1], KEYS[4]) < latest then
    -- waiters scheduled a look at the old expiry: tell them it came closer
    redis.call('PUBLISH', ARGV[3], ARGV[4])
  end
  return {1, redis.call('HGET', KEYS[4], ARGV[1])}
end
local refused = not_the_owner(holder)
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
