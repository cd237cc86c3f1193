-- Reads a lock without revealing its owner.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the calls waiting for it, per instance
-- (a hash of instance id -> "count expiresAtMs", written by each instance while calls wait there).
-- Returns {remaining TTL in ms (-2: not locked, -1: no TTL), fencing token or false, waiting calls}.
local waiting = 0
local counts = redis.call('HVALS', KEYS[3])
if #counts > 0 then
  local now = redis.call('TIME')
  local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  for _, entry in ipairs(counts) do
    local count, expires = string.match(entry, '^(%d+) (%d+)$')
    -- an instance that stopped refreshing its entry (it crashed) no longer counts
    if count and tonumber(expires) > now_ms then
      waiting = waiting + tonumber(count)
    end
  end
end
return {redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]), waiting}
