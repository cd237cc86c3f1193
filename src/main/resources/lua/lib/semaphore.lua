-- Shared by the semaphore scripts. KEYS[1] is the semaphore: a sorted set of its holders' lockKeys,
-- each scored by its expiry (ms, Redis clock); KEYS[2] a hash of its size (field ':permits') and each
-- holder's fencing token (field: the lockKey). Both keys expire with the last permit.

local function now_ms()
  local now = redis.call('TIME')
  return tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
end

-- Drops the permits whose TTL ran out (a crashed holder frees only its own); returns the holders left.
local function prune(now)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
  for _, holder in ipairs(expired) do
    redis.call('ZREM', KEYS[1], holder)
    redis.call('HDEL', KEYS[2], holder)
  end
  local holders = redis.call('ZCARD', KEYS[1])
  if holders == 0 then
    redis.call('DEL', KEYS[2])
  end
  return holders
end

-- Both keys live as long as the latest permit (Redis drops an idle semaphore by itself).
local function expire_with_last_permit()
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if #last > 0 then
    redis.call('PEXPIREAT', KEYS[1], last[2])
    redis.call('PEXPIREAT', KEYS[2], last[2])
  end
end

-- The owner check: nil when ARGV[1] holds a permit, else the reply ({0} nobody holds one, {-1} others do).
local function not_a_holder(holders)
  if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    return nil
  end
  return holders == 0 and {0} or {-1}
end

