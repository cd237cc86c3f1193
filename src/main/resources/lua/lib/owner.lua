-- Shared by the scripts that only the owner may run. KEYS[1] is the lock, ARGV[1] the caller's token.
-- Returns the script's reply when the caller is not the holder ({0} nobody holds the lock, {-1}
-- someone else does), or nil when it is.
local function not_the_owner()
  local holder = redis.call('GET', KEYS[1])
  if not holder then
    return {0}
  end
  if holder ~= ARGV[1] then
    return {-1}
  end
  return nil
end

