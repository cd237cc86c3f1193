-- Lists held locks one page at a time, never revealing their owners.
-- ARGV[1] SCAN MATCH pattern (the lock keys under a user prefix, glob characters escaped);
-- ARGV[2] the SCAN cursor to start from; ARGV[3] the page size; ARGV[4] the last key already listed
-- from that cursor's batch ('' for none); ARGV[5] the lock keys' prefix ("P::"); ARGV[6] the fencing
-- keys' prefix ("P:fence:"), or '' to leave tokens out (Redis Cluster: each slot's fencing keys carry
-- their own hash tag; the caller reads them); ARGV[7], ARGV[8] the readers' sets' and their tokens'
-- prefixes ("P:fence-readers:", "P:fence-readers-tokens:"; '' with ARGV[6]).
-- A read-locked key's token is its newest live reader's, as status.lua reports it (lib/readers.lua).
-- Returns {cursor, last key, user key 1, TTL ms 1, fencing token 1 or false, ...}. The page goes on at
-- {cursor, last key}: within a batch keys are taken in sorted order, so a page that fills in the middle
-- of a batch resumes right after its last key. Cursor '0' with last key '' means the end.
-- Each call reads at most 10 SCAN batches, so that it never blocks Redis for long: a page may hold
-- fewer locks than asked for while more follow.
-- This is the one script that reaches keys it is not given: SCAN finds them.

-- The token status.lua would report for the lock key `key`: the holder's, or with readers the
-- newest live reader's. Expired readers are skipped, not pruned: this script writes nothing.
local function fencing_token(key, user_key)
  if redis.call('GET', key) ~= READERS then
    return redis.call('GET', ARGV[6] .. user_key)
  end
  local newest = false
  for _, reader in ipairs(redis.call('ZRANGEBYSCORE', ARGV[7] .. user_key, '(' .. now_ms(), '+inf')) do
    local token = redis.call('HGET', ARGV[8] .. user_key, reader)
    if token and (not newest or tonumber(token) > tonumber(newest)) then
      newest = token
    end
  end
  return newest
end

local limit = tonumber(ARGV[3])
local cursor, after = ARGV[2], ARGV[4]
local page = {'0', ''}
local taken = 0
for _ = 1, 10 do
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', 1000)
  local keys = reply[2]
  table.sort(keys)
  for _, key in ipairs(keys) do
    if after == '' or key > after then
      if taken == limit then
        page[1], page[2] = cursor, after
        return page
      end
      after = key
      local ttl = redis.call('PTTL', key)
      if ttl ~= -2 then
        local user_key = string.sub(key, #ARGV[5] + 1)
        page[#page + 1] = user_key
        page[#page + 1] = ttl
        page[#page + 1] = ARGV[6] ~= '' and fencing_token(key, user_key)
        taken = taken + 1
      end
    end
  end
  cursor, after = reply[1], ''
  if cursor == '0' or taken == limit then
    break
  end
end
page[1] = cursor
return page
