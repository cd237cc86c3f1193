-- Removes the lock whoever holds it: an operator's force-unlock.
-- KEYS[1] lock key, KEYS[2] its fencing-token key; ARGV[1] release channel; ARGV[2] the user's key (the notice).
-- Returns {1, the removed holder's fencing token or false} when a lock was removed, {0} when none was.
-- The fencing counter is left alone: the next holder's token is still larger than every earlier one.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end
local token = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return {1, token}
