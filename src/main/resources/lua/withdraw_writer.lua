-- A writer that waited behind readers leaves without the lock (its wait is over, or it was cancelled).
-- KEYS[1] the writers waiting (see lib/readers.lua); ARGV[1] its owner token; ARGV[2] release channel;
-- ARGV[3] the user's key (the notice).
-- The notice goes out even when the writer is no longer registered: at its wait deadline its
-- registration expires by itself, which tells nobody, and readers queued behind it must look again.
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
