-- Releases the lock if ARGV[1] owns it (as the writer, or as one of the readers).
-- KEYS[1] lock key, KEYS[2] its fencing-token key, KEYS[3] the fencing counter, KEYS[4] the readers,
-- KEYS[5] the readers' tokens, KEYS[6] the writers waiting (see lib/readers.lua);
-- ARGV[1] owner token; ARGV[2] release channel; ARGV[3] the user's key (the notice);
-- ARGV[4], ARGV[5] optional: token and TTL in ms of the next local waiter (a writer), to hand the lock
-- to it in this same round trip instead of freeing it (a reader hands over only as the last reader).
-- Returns {1} released, {2, fencing token} handed to the next waiter, {0} not held, {-1} held by
-- another owner.
local function hand_over()
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  redis.call('ZREM', KEYS[6], ARGV[4])
  return {2, grant_fencing_token(ARGV[5])}
end

local holder = redis.call('GET', KEYS[1])
if holder == READERS then
  local refused, left, latest = not_a_reader(KEYS[4], KEYS[5])
  if refused then
    return refused
  end
  redis.call('ZREM', KEYS[4], ARGV[1])
  redis.call('HDEL', KEYS[5], ARGV[1])
  if left > 1 then
    if expire_with_last(KEYS[4], KEYS[1], KEYS[5]) < latest then
      -- waiters scheduled a look at the old expiry: tell them it came closer
      redis.call('PUBLISH', ARGV[2], ARGV[3])
    end
    return {1}
  end
  redis.call('DEL', KEYS[1], KEYS[4], KEYS[5])
  if ARGV[4] then
    return hand_over()
  end
else
  local refused = not_the_owner(holder)
  if refused then
    return refused
  end
  if ARGV[4] then
    return hand_over()
  end
  redis.call('DEL', KEYS[1], KEYS[2])
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return {1}
