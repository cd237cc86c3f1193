-- Shared by the scripts that keep several holders of one key (semaphore permits, readers): a sorted
-- set of the holders' lockKeys, each scored by its expiry (ms, Redis clock), and a hash of their
-- fencing tokens (field: the lockKey). The keys are arguments: the scripts pass them in their own order.

local function now_ms()
  local now = redis.call('TIME')
  return tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
end

-- Drops the holders whose TTL ran out (a crashed holder frees only its own); returns the holders left.
local function prune_holders(set, tokens, now)
  local expired = redis.call('ZRANGEBYSCORE', set, '-inf', now)
  for _, holder in ipairs(expired) do
    redis.call('ZREM', set, holder)
    redis.call('HDEL', tokens, holder)
  end
  return redis.call('ZCARD', set)
end

-- Sets {@code set} and the keys after it to expire with the set's latest score (Redis drops them by
-- themselves once the last holder's TTL is over); returns that score, or nil when the set is empty.
local function expire_with_last(set, ...)
  local last = redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')
  if #last == 0 then
    return nil
  end
  redis.call('PEXPIREAT', set, last[2])
  for _, key in ipairs({...}) do
    redis.call('PEXPIREAT', key, last[2])
  end
  return tonumber(last[2])
end

