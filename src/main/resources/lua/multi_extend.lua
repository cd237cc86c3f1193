-- Sets a new TTL on every key of the set if ARGV[1] holds them all; otherwise changes nothing.
-- KEYS: see lib/multi.lua; ARGV[1] owner token; ARGV[2] new TTL in ms; ARGV[3] release channel;
-- ARGV[4..] the user's keys, in the order of KEYS' members.
-- Returns {1, fencing token or false} extended, {0} some member is free and none is another's
-- (the set expired or was force-unlocked, in part or whole), {-1} another owner holds a member.
local mine, others = member_holders()
if others > 0 then
  return {-1}
end
if mine < member_count() then
  return {0}
end
for i = 1, member_count() do
  local remaining = redis.call('PTTL', member_lock(i))
  redis.call('PEXPIRE', member_lock(i), ARGV[2])
  redis.call('PEXPIRE', member_fence(i), ARGV[2])
  if remaining > tonumber(ARGV[2]) then
    -- waiters scheduled a look at the old expiry: tell them it came closer
    redis.call('PUBLISH', ARGV[3], ARGV[3 + i])
  end
end
return {1, redis.call('GET', member_fence(1))}
