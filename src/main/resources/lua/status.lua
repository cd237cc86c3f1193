-- Reads a lock without revealing its owner.
-- KEYS[1] lock key, KEYS[2] its fencing-token key.
-- Returns {remaining TTL in ms (-2: not locked, -1: no TTL), fencing token or false}.
return {redis.call('PTTL', KEYS[1]), redis.call('GET', KEYS[2])}
