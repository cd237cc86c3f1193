-- Reads a lock without revealing its owner.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the calls waiting for it, per instance
-- (a hash of instance id -> "count expiresAtMs", written by each instance while calls wait there),
-- KEYS[4] the readers, KEYS[5] the readers' tokens (see lib/readers.lua).
-- Returns {remaining TTL in ms (-2: not locked, -1: no TTL), fencing token or false, waiting calls,
-- 'read' or 'write' or false (not locked), readers}; read-locked: the newest reader's token.
local waiting = 0
local counts = redis.call('HVALS', KEYS[3])
if #counts > 0 then
  local now = now_ms()
  for _, entry in ipairs(counts) do
    local count, expires = string.match(entry, '^(%d+) (%d+)$')
    -- an instance that stopped refreshing its entry (it crashed) no longer counts
    if count and tonumber(expires) > now then
      waiting = waiting + tonumber(count)
    end
  end
end
local holder = redis.call('GET', KEYS[1])
if holder == READERS then
  local readers = prune_holders(KEYS[4], KEYS[5], now_ms())
  return {redis.call('PTTL', KEYS[1]), latest_reader_token(KEYS[5]), waiting, 'read', readers}
end
return {redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2]), waiting, holder and 'write' or false, 0}
