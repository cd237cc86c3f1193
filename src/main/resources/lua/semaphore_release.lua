-- Gives back the permit ARGV[1] holds: to the next local waiter if one is named, else to whoever
-- takes it first after the notice this sends (to waiters on every instance).
-- KEYS[1] the holders, KEYS[2] sizes and tokens (see lib/semaphore.lua), KEYS[3] the fencing counter;
-- ARGV[1] owner token; ARGV[2] release channel; ARGV[3] the user's key (the notice);
-- ARGV[4], ARGV[5], ARGV[6] optional: token, TTL in ms and size (permits) of the next local waiter,
-- to hand the permit to it in this same round trip (only if its size is the holders').
-- Returns {1} released, {2, fencing token, holders} handed to the next waiter, {0} no permit held
-- at all, {-1} ARGV[1] holds none of them.
local now = now_ms()
local holders = prune(now)
local refused = not_a_holder(holders)
if refused then
  return refused
end
local size = redis.call('HGET', KEYS[2], ':permits')
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[4] and (holders == 1 or ARGV[6] == size) then
  local token = next_fencing_token()
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[4])
  redis.call('HSET', KEYS[2], ':permits', ARGV[6], ARGV[4], token)
  expire_with_last_permit()
  return {2, token, holders}
end
if holders == 1 then
  redis.call('DEL', KEYS[2])
else
  expire_with_last_permit()
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {1}
