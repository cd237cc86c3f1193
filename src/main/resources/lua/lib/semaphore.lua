-- Shared by the semaphore scripts (after lib/holders.lua). KEYS[1] is the semaphore: a sorted set of
-- its holders' lockKeys, each scored by its expiry (ms, Redis clock); KEYS[2] a hash of its size (field
-- ':permits') and each holder's fencing token (field: the lockKey). Both keys expire with the last permit.

-- Drops the permits whose TTL ran out (a crashed holder frees only its own); returns the holders left.
local function prune(now)
  local holders = prune_holders(KEYS[1], KEYS[2], now)
  if holders == 0 then
    redis.call('DEL', KEYS[2])
  end
  return holders
end

-- Both keys live as long as the latest permit (Redis drops an idle semaphore by itself).
local function expire_with_last_permit()
  expire_with_last(KEYS[1], KEYS[2])
end

-- The owner check: nil when ARGV[1] holds a permit, else the reply ({0} nobody holds one, {-1} others do).
local function not_a_holder(holders)
  if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
    return nil
  end
  return holders == 0 and {0} or {-1}
end
