-- Takes every key of the set if none is held; otherwise takes none.
-- KEYS: see lib/multi.lua; ARGV[1] owner token (lockKey); ARGV[2] TTL in milliseconds.
-- Returns {1, fencing token} when all were taken (one token for the set, on every member), {0, the
-- longest remaining TTL in ms among the held members} when any is held (-1: one has no TTL).
local longest = nil
for i = 1, member_count() do
  local ttl = redis.call('PTTL', member_lock(i))
  if ttl == -1 or (ttl >= 0 and longest ~= -1 and (longest == nil or ttl > longest)) then
    longest = ttl
  end
end
if longest then
  return {0, longest}
end
local token = next_fencing_token()
for i = 1, member_count() do
  redis.call('SET', member_lock(i), ARGV[1], 'PX', ARGV[2])
  redis.call('SET', member_fence(i), token, 'PX', ARGV[2])
end
return {1, token}
