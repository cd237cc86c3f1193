-- Takes a read lock if no writer holds the key and none waits for it (see lib/readers.lua).
-- KEYS[1] lock key (P::K), KEYS[2] the readers, KEYS[3] the fencing counter, KEYS[4] the readers'
-- fencing tokens, KEYS[5] the writers waiting; ARGV[1] owner token (lockKey); ARGV[2] TTL in ms.
-- Returns {1, fencing token} when taken, {0, ms until a new try makes sense} when a writer holds the
-- key (its remaining TTL; -1: its key has no TTL) or waits for the readers to leave.
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= READERS then
  return {0, redis.call('PTTL', KEYS[1])}
end
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
local writer = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
if #writer > 0 then
  -- no writer starvation: new readers wait behind it (its grant or its leaving sends a notice)
  local retry = tonumber(writer[2]) - now
  if holder then
    retry = math.min(retry, redis.call('PTTL', KEYS[1]))
  end
  return {0, math.max(1, retry)}
end
if holder then
  prune_holders(KEYS[2], KEYS[4], now)
else
  -- readers a force-unlock left behind are gone with the marker
  redis.call('DEL', KEYS[2], KEYS[4])
end
local token = next_fencing_token()
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], token)
redis.call('SET', KEYS[1], READERS)
expire_with_last(KEYS[2], KEYS[1], KEYS[4])
return {1, token}
