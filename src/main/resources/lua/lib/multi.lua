-- Shared by the scripts of locks on several keys. KEYS holds, for n user keys, each key's lock and
-- fencing-token key, with the fencing counter third so that lib/fencing.lua finds it where it looks:
-- {lock 1, fence 1, counter, lock 2, fence 2, ..., lock n, fence n}.
local function member_count()
  return (#KEYS - 1) / 2
end

local function member_lock(i)
  return i == 1 and KEYS[1] or KEYS[2 * i]
end

local function member_fence(i)
  return i == 1 and KEYS[2] or KEYS[2 * i + 1]
end

-- How many members ARGV[1] holds and how many another owner holds.
local function member_holders()
  local mine, others = 0, 0
  for i = 1, member_count() do
    local holder = redis.call('GET', member_lock(i))
    if holder == ARGV[1] then
      mine = mine + 1
    elseif holder then
      others = others + 1
    end
  end
  return mine, others
end
