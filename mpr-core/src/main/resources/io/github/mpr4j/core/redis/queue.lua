-- The queue of one connection, every operation one atomic step. All keys share the connection's hash tag.
-- KEYS[1] m: hash id -> blob (what Java decodes: receivedAt, recipients, payload)
-- KEYS[2] x: hash id -> meta, cmsgpack {seq, payloadBytes, {recipientDids}}
-- KEYS[3] p: zset of pending ids by seq; KEYS[3]..':'..did: the pending ids of one recipient by seq
-- KEYS[4] s: zset of sending ids by deadline (epoch ms); a deadline <= now counts as pending (lazily)
-- KEYS[5] n: the sequence counter
-- KEYS[6] live: hash of the connection's live session {s = sessionId, i = instanceId, h = holderId}
-- KEYS[7] (appendIfRegistered only) the callback registration: its deadline (epoch ms), same hash tag
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

-- Bulk forms: one command for many ids (in chunks, to stay within Lua's stack for unpack).
local CHUNK = 1000

local function each_chunk(list, fn)
  for i = 1, #list, CHUNK do fn(unpack(list, i, math.min(i + CHUNK - 1, #list))) end
end

local function hmget(key, ids)
  local out = {}
  each_chunk(ids, function(...)
    local part = redis.call('HMGET', key, ...)
    for k = 1, #part do out[#out + 1] = part[k] end
  end)
  return out
end

-- removes ids (with their metas) from the pending sets: the connection's and each recipient's
local function removePendingBulk(ids, metas)
  if #ids == 0 then return end
  each_chunk(ids, function(...) redis.call('ZREM', P, ...) end)
  local byDid = {}
  for k = 1, #ids do
    for _, d in ipairs(metas[k][3]) do
      local list = byDid[d]
      if not list then list = {} byDid[d] = list end
      list[#list + 1] = ids[k]
    end
  end
  for d, list in pairs(byDid) do
    each_chunk(list, function(...) redis.call('ZREM', P .. ':' .. d, ...) end)
  end
end

-- forgets ids entirely (any state)
local function forgetBulk(ids, metas)
  if #ids == 0 then return end
  removePendingBulk(ids, metas)
  each_chunk(ids, function(...) redis.call('ZREM', S, ...) end)
  each_chunk(ids, function(...) redis.call('HDEL', M, ...) end)
  each_chunk(ids, function(...) redis.call('HDEL', X, ...) end)
end

local function dropCounterIfEmpty()
  if redis.call('EXISTS', M) == 0 then redis.call('DEL', N) end
end

-- removes those of `candidates` that have a record and that `keep(id, meta, position)` accepts;
-- returns how many
local function removeKnown(candidates, keep)
  local ids, metas = {}, {}
  for k, raw in ipairs(hmget(X, candidates)) do
    if raw then
      local mt = cmsgpack.unpack(raw)
      if keep(candidates[k], mt, k) then
        ids[#ids + 1] = candidates[k]
        metas[#metas + 1] = mt
      end
    end
  end
  if #ids == 0 then return 0 end
  forgetBulk(ids, metas)
  dropCounterIfEmpty()
  return #ids
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

-- ARGV: op, id, blob, sendingUntil, payloadBytes, did... (the dids from ARGV[firstDid], default 6)
local function append(sendingUntil, firstDid)
  local id = ARGV[2]
  local seq = redis.call('INCR', N) -- wasted when the id is already here; sequences need only grow
  local dids = {}
  for i = firstDid or 6, #ARGV do dids[#dids + 1] = ARGV[i] end
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

elseif op == 'appendIfRegistered' then
  -- ARGV: op, id, blob, sendingUntil, payloadBytes, now, maxPending, did...
  -- {0}: no registration alive at now; {1}: maxPending messages pending; else appended as appendRouted
  -- does: {2, sessionId, instanceId, holderId} (sending to that session) or {2} (pending)
  local now = tonumber(ARGV[6])
  local deadline = redis.call('GET', KEYS[7])
  if not deadline or tonumber(deadline) <= now then return {0} end
  if redis.call('ZCARD', P) + redis.call('ZCOUNT', S, '-inf', now) >= tonumber(ARGV[7]) then return {1} end
  local session = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if session[1] then
    append(tonumber(ARGV[4]), 8)
    return {2, session[1], session[2], session[3]}
  end
  append(0, 8)
  return {2}

elseif op == 'take' then
  -- ARGV: op, now, sendingUntil, limit, limitBytes, delete (1/0), recipientDid (optional)
  local now, untilMs, limit, limitBytes = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
  local delete = ARGV[6] == '1'
  local did = ARGV[7]
  local late = expired(now, did)
  local pending = redis.call('ZRANGE', did and (P .. ':' .. did) or P, 0, limit - 1, 'WITHSCORES')
  local pids = {}
  for j = 1, #pending, 2 do pids[#pids + 1] = pending[j] end
  local pmetas = {}
  if #pids > 0 then
    for k, raw in ipairs(hmget(X, pids)) do pmetas[k] = raw and cmsgpack.unpack(raw) end
  end
  -- merge the pending ones and the sending ones past their deadline by sequence, within the limits
  local ids, metas, previous = {}, {}, {}
  local i, j, bytes = 1, 1, 0
  while #ids < limit do
    local id, mt, prev
    local e = late[i]
    local pm = pmetas[j]
    if pids[j] and not pm then
      j = j + 1 -- an id without its record (cannot happen); skip it
    else
      if e and (not pm or e[2][1] < pm[1]) then
        id, mt, prev = e[1], e[2], e[3]
        i = i + 1
      elseif pm then
        id, mt, prev = pids[j], pm, 0
        j = j + 1
      else
        break
      end
      if bytes + mt[2] > limitBytes then break end
      bytes = bytes + mt[2]
      ids[#ids + 1], metas[#metas + 1], previous[#previous + 1] = id, mt, prev
    end
  end
  if #ids == 0 then return {} end
  local blobs = hmget(M, ids)
  local out = {}
  local pendingIds, pendingMetas = {}, {}
  for k = 1, #ids do
    out[#out + 1] = ids[k]
    out[#out + 1] = previous[k]
    out[#out + 1] = blobs[k]
    if previous[k] == 0 then
      pendingIds[#pendingIds + 1] = ids[k]
      pendingMetas[#pendingMetas + 1] = metas[k]
    end
  end
  if delete then
    forgetBulk(ids, metas)
    dropCounterIfEmpty()
  else
    removePendingBulk(pendingIds, pendingMetas)
    local pairs_ = {}
    for k = 1, #ids do
      pairs_[#pairs_ + 1] = untilMs
      pairs_[#pairs_ + 1] = ids[k]
    end
    for c = 1, #pairs_, 2 * CHUNK do
      redis.call('ZADD', S, unpack(pairs_, c, math.min(c + 2 * CHUNK - 1, #pairs_)))
    end
  end
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
  local asked = {}
  for k = 2, #ARGV do asked[#asked + 1] = ARGV[k] end
  local seen = {}
  return removeKnown(asked, function(id)
    if seen[id] then return false end
    seen[id] = true
    return true
  end)

elseif op == 'removeAll' then
  -- ARGV: op, recipientDid
  local did = ARGV[2]
  local candidates = redis.call('ZRANGE', P .. ':' .. did, 0, -1) -- pending: all for this recipient
  local pendingCount = #candidates
  for _, id in ipairs(redis.call('ZRANGE', S, 0, -1)) do candidates[#candidates + 1] = id end
  return removeKnown(candidates, function(id, mt, k) return k <= pendingCount or hasRecipient(mt, did) end)

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

elseif op == 'sessionRestore' then
  -- ARGV: op, sessionId, instanceId, holderId: put back a session its instance still holds, unless the
  -- connection has another one by now (newest wins)
  if redis.call('EXISTS', LIVE) == 1 then return 0 end
  redis.call('HSET', LIVE, 's', ARGV[2], 'i', ARGV[3], 'h', ARGV[4])
  return 1

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
