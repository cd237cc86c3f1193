-- Shared by the scripts that only the owner may run. {@code holder} is the value of the lock (KEYS[1]),
-- ARGV[1] the caller's token. Returns the script's reply when the caller is not the holder ({0} nobody
-- holds the lock, {-1} someone else does), or nil when it is.
local function not_the_owner(holder)
  if not holder then
    return {0}
  end
  if holder ~= ARGV[1] then
    return {-1}
  end
  return nil
end

