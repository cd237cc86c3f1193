-- Releases the lock if ARGV[1] owns it.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the fencing counter;
-- ARGV[1] owner token; ARGV[2] release channel; ARGV[3] the user's key (the notice);
-- ARGV[4], ARGV[5] optional: token and TTL in ms of the next local waiter, to hand the lock to it
-- in this same round trip instead of freeing it.
-- Returns {1} released, {2, fencing token} handed to the next waiter, {0} not held, {-1} held by
-- another owner.
local refused = not_the_owner()
if refused then
  return refused
end
if ARGV[4] then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  return {2, grant_fencing_token(ARGV[5])}
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {1}
