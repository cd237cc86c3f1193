-- Takes one permit of a semaphore if one is free.
-- KEYS[1] the holders (see lib/semaphore.lua), KEYS[2] sizes and tokens, KEYS[3] the fencing counter;
-- ARGV[1] owner token (lockKey); ARGV[2] TTL in ms; ARGV[3] the semaphore's size (permits).
-- Returns {1, fencing token, holders now} when taken; {0, ms until the earliest permit expires,
-- holders} when all permits are held; {-1, the current holders' size} when the sizes differ.
local now = now_ms()
local holders = prune(now)
if holders > 0 then
  local size = redis.call('HGET', KEYS[2], ':permits')
  if size ~= ARGV[3] then
    return {-1, tonumber(size or '0')}
  end
end
if holders >= tonumber(ARGV[3]) then
  local earliest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, math.max(1, tonumber(earliest[2]) - now), holders}
end
local token = next_fencing_token()
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('HSET', KEYS[2], ':permits', ARGV[3], ARGV[1], token)
expire_with_last_permit()
return {1, token, holders + 1}
