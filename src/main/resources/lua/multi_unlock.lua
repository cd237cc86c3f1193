-- Releases every key of the set that ARGV[1] holds, with a notice per key.
-- KEYS: see lib/multi.lua; ARGV[1] owner token; ARGV[2] release channel; ARGV[3..] the user's keys
-- (the notices), in the order of KEYS' members.
-- Returns {1} released (ARGV[1] held at least one member; a member it no longer held, freed or
-- taken by someone else after a force-unlock, is left alone), {0} no member is held by anyone,
-- {-1} ARGV[1] holds none and another owner holds some.
local mine, others = member_holders()
if mine == 0 then
  return {others > 0 and -1 or 0}
end
for i = 1, member_count() do
  if redis.call('GET', member_lock(i)) == ARGV[1] then
    redis.call('DEL', member_lock(i), member_fence(i))
    redis.call('PUBLISH', ARGV[2], ARGV[2 + i])
  end
end
return {1}
