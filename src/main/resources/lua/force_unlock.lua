-- Removes the lock whoever holds it (a writer, or every reader): an operator's force-unlock.
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the readers, KEYS[4] the readers' tokens
-- (see lib/readers.lua); ARGV[1] release channel; ARGV[2] the user's key (the notice).
-- Returns {1, the removed holder's fencing token (readers: the newest's) or false} when a lock was
-- removed, {0} when none was.
-- The fencing counter is left alone: the next holder's token is still larger than every earlier one.
local holder = redis.call('GET', KEYS[1])
if not holder then
  return {0}
end
local token
if holder == READERS then
  token = latest_reader_token(KEYS[4])
else
  token = redis.call('GET', KEYS[2])
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
redis.call('PUBLISH', ARGV[1], ARGV[2])
return {1, token}
