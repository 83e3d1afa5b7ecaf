-- The queue of one connection, every operation one atomic step. All keys share the connection's hash tag.
-- KEYS[1] m: hash id -> blob (what Java decodes: receivedAt, recipients, payload)
-- KEYS[2] x: hash id -> meta, cmsgpack {seq, payloadBytes, {recipientDids}}
-- KEYS[3] p: zset of pending ids by seq; KEYS[3]..':'..did: the pending ids of one recipient by seq
-- KEYS[4] s: zset of sending ids by deadline (epoch ms); a deadline <= now counts as pending (lazily)
-- KEYS[5] n: the sequence counter
-- KEYS[6] live: hash of the connection's live session {s = sessionId, i = instanceId, h = holderId}
-- ARGV[1]: the operation; the others depend on it.
local M, X, P, S, N, LIVE = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local op = ARGV[1]

local function meta(id)
  local raw = redis.call('HGET', X, id)
  if not raw then return nil end
  return cmsgpack.unpack(raw)
end

local function addPending(id, mt)
  redis.call('ZADD', P, mt[1], id)
  for _, d in ipairs(mt[3]) do redis.call('ZADD', P .. ':' .. d, mt[1], id) end
end

local function removePending(id, mt)
  redis.call('ZREM', P, id)
  for _, d in ipairs(mt[3]) do redis.call('ZREM', P .. ':' .. d, id) end
end

local function hasRecipient(mt, did)
  for _, d in ipairs(mt[3]) do if d == did then return true end end
  return false
end

local function forget(id)
  redis.call('HDEL', M, id)
  redis.call('HDEL', X, id)
end

local function dropCounterIfEmpty()
  if redis.call('EXISTS', M) == 0 then redis.call('DEL', N) end
end

-- sending messages whose deadline passed, for one recipient or all, oldest (by seq) first: {id, meta, deadline}
local function expired(now, did)
  local raw = redis.call('ZRANGEBYSCORE', S, '-inf', now, 'WITHSCORES')
  local out = {}
  for i = 1, #raw, 2 do
    local mt = meta(raw[i])
    if mt and (not did or hasRecipient(mt, did)) then out[#out + 1] = {raw[i], mt, tonumber(raw[i + 1])} end
  end
  if #out > 1 then table.sort(out, function(a, b) return a[2][1] < b[2][1] end) end
  return out
end

-- ARGV: op, id, blob, sendingUntil, payloadBytes, did...
local function append(sendingUntil)
  local id = ARGV[2]
  local seq = redis.call('INCR', N) -- wasted when the id is already here; sequences need only grow
  local dids = {}
  for i = 6, #ARGV do dids[#dids + 1] = ARGV[i] end
  local mt = {seq, tonumber(ARGV[5]), dids}
  if redis.call('HSETNX', X, id, cmsgpack.pack(mt)) == 0 then return 0 end
  redis.call('HSET', M, id, ARGV[3])
  if sendingUntil > 0 then redis.call('ZADD', S, sendingUntil, id) else addPending(id, mt) end
  return 1
end

if op == 'append' then
  return append(tonumber(ARGV[4]))

elseif op == 'appendRouted' then
  -- appended as sending when the connection has a live session, which is returned ({} when none)
  local session = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if session[1] then
    append(tonumber(ARGV[4]))
    return session
  end
  append(0)
  return {}

elseif op == 'take' then
  -- ARGV: op, now, sendingUntil, limit, limitBytes, delete (1/0), recipientDid (optional)
  local now, untilMs, limit, limitBytes = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
  local delete = ARGV[6] == '1'
  local did = ARGV[7]
  local late = expired(now, did)
  local pending = redis.call('ZRANGE', did and (P .. ':' .. did) or P, 0, limit - 1, 'WITHSCORES')
  local out = {}
  local i, j, count, bytes = 1, 1, 0, 0
  while count < limit do
    local id, mt, previous
    local e = late[i]
    local pid = pending[j]
    if e and (not pid or e[2][1] < tonumber(pending[j + 1])) then
      id, mt, previous = e[1], e[2], e[3]
      i = i + 1
    elseif pid then
      id, mt, previous = pid, meta(pid), 0
      j = j + 2
    else
      break
    end
    if mt then
      if bytes + mt[2] > limitBytes then break end
      bytes = bytes + mt[2]
      count = count + 1
      out[#out + 1] = id
      out[#out + 1] = previous
      out[#out + 1] = redis.call('HGET', M, id)
      if previous == 0 then removePending(id, mt) end
      if delete then
        if previous ~= 0 then redis.call('ZREM', S, id) end
        forget(id)
      else
        redis.call('ZADD', S, untilMs, id)
      end
    end
  end
  if delete and count > 0 then dropCounterIfEmpty() end
  return out

elseif op == 'claim' then
  -- ARGV: op, now, sendingUntil, id...
  local now, untilMs = tonumber(ARGV[2]), tonumber(ARGV[3])
  local claimed = {}
  for k = 4, #ARGV do
    local id = ARGV[k]
    local mt = meta(id)
    if mt then
      local deadline = redis.call('ZSCORE', S, id)
      if not deadline then
        removePending(id, mt)
        redis.call('ZADD', S, untilMs, id)
        claimed[#claimed + 1] = {id, 0, mt[1]}
      elseif tonumber(deadline) <= now then
        redis.call('ZADD', S, untilMs, id)
        claimed[#claimed + 1] = {id, tonumber(deadline), mt[1]}
      end
    end
  end
  if #claimed > 1 then table.sort(claimed, function(a, b) return a[3] < b[3] end) end
  local out = {}
  for _, c in ipairs(claimed) do
    out[#out + 1] = c[1]
    out[#out + 1] = c[2]
    out[#out + 1] = redis.call('HGET', M, c[1])
  end
  return out

elseif op == 'release' then
  -- ARGV: op, id... (none: every sending message)
  local ids
  if #ARGV == 1 then
    ids = redis.call('ZRANGE', S, 0, -1)
  else
    ids = {}
    for k = 2, #ARGV do ids[#ids + 1] = ARGV[k] end
  end
  local changed = 0
  for _, id in ipairs(ids) do
    if redis.call('ZREM', S, id) == 1 then
      local mt = meta(id)
      if mt then addPending(id, mt) end
      changed = changed + 1
    end
  end
  return changed

elseif op == 'remove' then
  -- ARGV: op, id...
  local removed = 0
  for k = 2, #ARGV do
    local id = ARGV[k]
    local mt = meta(id)
    if mt then
      removePending(id, mt)
      redis.call('ZREM', S, id)
      forget(id)
      removed = removed + 1
    end
  end
  if removed > 0 then dropCounterIfEmpty() end
  return removed

elseif op == 'removeAll' then
  -- ARGV: op, recipientDid
  local did = ARGV[2]
  local removed = 0
  for _, id in ipairs(redis.call('ZRANGE', P .. ':' .. did, 0, -1)) do
    local mt = meta(id)
    if mt then removePending(id, mt) forget(id) removed = removed + 1 end
  end
  for _, id in ipairs(redis.call('ZRANGE', S, 0, -1)) do
    local mt = meta(id)
    if mt and hasRecipient(mt, did) then
      redis.call('ZREM', S, id)
      forget(id)
      removed = removed + 1
    end
  end
  if removed > 0 then dropCounterIfEmpty() end
  return removed

elseif op == 'count' then
  -- ARGV: op, now, recipientDid (optional)
  local now, did = tonumber(ARGV[2]), ARGV[3]
  if not did then
    return redis.call('ZCARD', P) + redis.call('ZCOUNT', S, '-inf', now)
  end
  return redis.call('ZCARD', P .. ':' .. did) + #expired(now, did)

elseif op == 'sessionPut' then
  -- ARGV: op, sessionId, instanceId, holderId; returns the replaced session ({} when none)
  local previous = redis.call('HMGET', LIVE, 's', 'i', 'h')
  redis.call('HSET', LIVE, 's', ARGV[2], 'i', ARGV[3], 'h', ARGV[4])
  if previous[1] then return previous end
  return {}

elseif op == 'sessionGet' then
  local current = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if current[1] then return current end
  return {}

elseif op == 'sessionRemove' then
  -- ARGV: op, sessionId, holderId, instanceId ('' matches any); returns the removed session ({} when none)
  local current = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if not current[1] then return {} end
  if (ARGV[2] ~= '' and ARGV[2] ~= current[1]) or (ARGV[3] ~= '' and ARGV[3] ~= current[3])
      or (ARGV[4] ~= '' and ARGV[4] ~= current[2]) then
    return {}
  end
  redis.call('DEL', LIVE)
  return current
end
return redis.error_reply('unknown operation ' .. tostring(op))
