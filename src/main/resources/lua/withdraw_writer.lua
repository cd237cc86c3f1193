-- A writer that waited behind readers leaves without the lock (its wait is over, or it was cancelled).
-- KEYS[1] the writers waiting (see lib/readers.lua); ARGV[1] its owner token; ARGV[2] release channel;
-- ARGV[3] the user's key (the notice).
-- Returns 1 when it was still registered: readers it held back were told to look again; 0 otherwise.
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then
  return 0
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
