-- Publishes how many calls one instance has waiting for a key, for status to count across instances.
-- KEYS[1] the key's waiter counts (a hash); ARGV[1] instance id; ARGV[2] count; ARGV[3] validity in ms.
-- The entry is "count expiresAtMs": an instance that dies stops refreshing it and stops counting.
-- 0 removes the entry. The hash itself expires with its newest entry.
if tonumber(ARGV[2]) == 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 0
end
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. string.format('%.0f', now_ms + tonumber(ARGV[3])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
