-- Reads a semaphore without revealing its holders' lockKeys.
-- KEYS[1] the holders, KEYS[2] sizes and tokens (see lib/semaphore.lua), KEYS[3] the calls waiting
-- for a permit, per instance (as status.lua's).
-- Returns {size or false (no permit held), holders, waiting calls}.
local now = now_ms()
local holders = prune(now)
local waiting = 0
for _, entry in ipairs(redis.call('HVALS', KEYS[3])) do
  local count, expires = string.match(entry, '^(%d+) (%d+)$')
  if count and tonumber(expires) > now then
    waiting = waiting + tonumber(count)
  end
end
local size = holders > 0 and tonumber(redis.call('HGET', KEYS[2], ':permits')) or false
return {size, holders, waiting}
