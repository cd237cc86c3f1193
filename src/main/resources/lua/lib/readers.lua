-- Shared by the scripts that meet read locks (after lib/holders.lua). While readers hold K, the lock
-- key P::K holds READERS, a text no lockKey can be (lockKeys are base64url), so that the original
-- service's SET NX fails and its writers see K held; the readers are a sorted set of their lockKeys
-- scored by expiry (ms, Redis clock), their fencing tokens a hash (lockKey -> token), and all three
-- keys expire with the last reader. Writers that wait for the readers to leave are a sorted set of
-- their lockKeys scored by their wait deadline (ms): while one is there, no new reader gets in.
local READERS = 'isp-lock:readers'

-- The owner check of a read lock (ARGV[1] the caller's token): returns nil, the readers left and the
-- latest reader's expiry when ARGV[1] is one of them; else the reply ({0} nobody holds K, {-1} others do).
local function not_a_reader(readers, tokens)
  local left = prune_holders(readers, tokens, now_ms())
  if not redis.call('ZSCORE', readers, ARGV[1]) then
    return left == 0 and {0} or {-1}
  end
  return nil, left, tonumber(redis.call('ZRANGE', readers, -1, -1, 'WITHSCORES')[2])
end

-- The newest reader's fencing token (the largest one), or false when no reader has one.
local function latest_reader_token(tokens)
  local latest = false
  for _, token in ipairs(redis.call('HVALS', tokens)) do
    if not latest or tonumber(token) > tonumber(latest) then
      latest = token
    end
  end
  return latest
end

