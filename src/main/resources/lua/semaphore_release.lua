-- Gives back the permit ARGV[1] holds, and tells waiters (on every instance) that one is free.
-- KEYS[1] the holders, KEYS[2] sizes and tokens (see lib/semaphore.lua); ARGV[1] owner token;
-- ARGV[2] release channel; ARGV[3] the user's key (the notice).
-- Returns {1} released, {0} no permit held at all, {-1} ARGV[1] holds none of them.
local holders = prune(now_ms())
local refused = not_a_holder(holders)
if refused then
  return refused
end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if holders == 1 then
  redis.call('DEL', KEYS[2])
else
  expire_with_last_permit()
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {1}
