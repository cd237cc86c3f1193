-- Shared by the scripts that grant a lock. KEYS[2] holds the current holder's fencing token (same
-- TTL as the lock), KEYS[3] the last token issued under this prefix (with Redis Cluster: in this slot).
-- next_fencing_token alone serves the semaphore scripts, which keep each permit's token themselves.
--
-- The next token is above every token issued before and never below the server clock in
-- microseconds: a replica promoted by a failover may have missed the last increments of the
-- counter, but its clock has moved on, so its tokens still go up (as long as the servers' clocks
-- agree to within the failover time).
local function next_fencing_token()
  local now = redis.call('TIME')
  local clock = tonumber(now[1]) * 1000000 + tonumber(now[2])
  local last = tonumber(redis.call('GET', KEYS[3]) or '0')
  local token = string.format('%.0f', math.max(last + 1, clock))
  redis.call('SET', KEYS[3], token)
  return token
end

local function grant_fencing_token(ttl_ms)
  local token = next_fencing_token()
  redis.call('SET', KEYS[2], token, 'PX', ttl_ms)
  return token
end

