-- The queue of one connection, every operation one atomic step. All keys share the connection's hash tag.
-- KEYS[1] m: hash id -> record: the meta's length (4 bytes, big-endian), the meta (cmsgpack {seq,
--          payloadBytes, {recipientDids}, receivedAt}), then the blob Java encoded (receivedAt, recipients,
--          payload); Java skips the meta. One field per message, so an append writes one hash entry.
-- KEYS[2] p: zset of pending ids by seq; KEYS[2]..':'..did: the pending ids of one recipient by seq
-- KEYS[3] s: zset of sending ids by deadline (epoch ms); a deadline <= now counts as pending (lazily)
-- KEYS[4] n: the sequence counter (never below Redis' clock in microseconds, so it never goes backwards
--          when it is deleted with an empty queue)
-- KEYS[5] live: hash of the connection's live session {s = sessionId, i = instanceId, h = holderId}
-- KEYS[6] l: tiering ledger, hash id -> token of the mover whose cold copy is the message, or '-' (deleted
--          here, its cold copy is garbage); see docs/mongodb.md
-- KEYS[7] t: tiering state, hash {v = moves committed, w = v when the cold tier was last seen without visible
--          messages, f = highest mover fence seen}
-- KEYS[8] (appendIfRegistered only) the callback registration: its deadline (epoch ms), same hash tag
-- KEYS[1]..':a' (derived, same hash tag): zset of the ids appended within the last guard window (ARGV[7] of
--          the appends, ms) by Redis' time; it expires with its last entry. An append whose id is there ran
--          before: a client that sends a command again after a lost reply (Jedis on a cluster does) must not
--          write back a message that was handed out and removed, or moved to MongoDB, meanwhile
-- Operations on the tiering index and lease get other KEYS (the op name says which).
-- ARGV[1]: the operation; the others depend on it.
local M, P, S, N, LIVE, L, T = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local op = ARGV[1]

-- the meta of a record
local function metaOf(record)
  return cmsgpack.unpack(string.sub(record, 5, 4 + struct.unpack('>I4', record)))
end

-- the meta of a message and its record, or nil
local function meta(id)
  local record = redis.call('HGET', M, id)
  if not record then return nil end
  return metaOf(record), record
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
end

local function dropCounterIfEmpty()
  if redis.call('EXISTS', M) == 0 then redis.call('DEL', N) end
end

-- removes those of `candidates` that have a record and that `keep(id, meta, position)` accepts;
-- returns their ids; with `tomb`, leaves a tombstone in the ledger for each (write-through: the cold copy
-- is garbage from now on)
local function removeKnown(candidates, keep, tomb)
  local ids, metas = {}, {}
  for k, record in ipairs(hmget(M, candidates)) do
    if record then
      local mt = metaOf(record)
      if keep(candidates[k], mt, k) then
        ids[#ids + 1] = candidates[k]
        metas[#metas + 1] = mt
      end
    end
  end
  if #ids == 0 then return ids end
  forgetBulk(ids, metas)
  if tomb then for _, id in ipairs(ids) do redis.call('HSET', L, id, '-') end end
  dropCounterIfEmpty()
  return ids
end

-- sending messages whose deadline passed, for one recipient or all, oldest (by seq) first: {id, meta,
-- deadline}. Their records are read in chunks and only their metas kept (a take reads the records of those
-- it chooses afterwards), so many expired messages do not hold their payloads in the script's memory.
local function expired(now, did)
  local raw = redis.call('ZRANGEBYSCORE', S, '-inf', now, 'WITHSCORES')
  local out = {}
  if #raw == 0 then return out end
  local ids = {}
  for i = 1, #raw, 2 do ids[#ids + 1] = raw[i] end
  local k = 0
  each_chunk(ids, function(...)
    local part = redis.call('HMGET', M, ...)
    for q = 1, #part do
      k = k + 1
      if part[q] then
        local mt = metaOf(part[q])
        if not did or hasRecipient(mt, did) then out[#out + 1] = {ids[k], mt, tonumber(raw[2 * k])} end
      end
    end
  end)
  if #out > 1 then table.sort(out, function(a, b) return a[2][1] < b[2][1] end) end
  return out
end

-- the next sequence number: one more than the last, and never below Redis' clock in microseconds (exact in
-- Lua's doubles until 2^53), so a counter deleted with its empty queue never restarts below older messages
local function nextSeq()
  local n = redis.call('INCR', N)
  local t = redis.call('TIME')
  local floor = tonumber(t[1]) * 1000000 + tonumber(t[2])
  if n < floor then
    redis.call('SET', N, string.format('%d', floor))
    return floor
  end
  return n
end

-- whether the connection holds nothing in Redis: no message and no ledger entry (the tiering index
-- uses the same definition in 'moveDue')
local function isEmpty()
  return redis.call('EXISTS', M) == 0 and redis.call('EXISTS', L) == 0
end

-- whether an append of this id ran within the guard window (then this one is the same append run again);
-- else records that it runs now
local function appendedBefore(window)
  local id = ARGV[2]
  local a = M .. ':a'
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', a, '-inf', now - window)
  if redis.call('ZADD', a, 'NX', now, id) == 0 then return true end
  redis.call('PEXPIRE', a, window)
  return false
end

-- the reply of an append run again names the live session only while the message is still here and sending
-- (the first run appended it so, and its reply, and so its delivery, was lost); a message removed or moved
-- since is neither written back nor delivered, and a pending one waits for a take
local function stillSending()
  return redis.call('ZSCORE', S, ARGV[2]) ~= false
end

-- ARGV: op, id, blob, sendingUntil, payloadBytes, receivedAt, guard window (ms), then from `first` the
-- recipient dids.
-- `tiered`: number the message with nextSeq (its number must never go back, even after its counter was
-- deleted, and must follow Redis' clock, as the tiered store's write-through backups are numbered by time);
-- else one more than the last (the Redis store alone keeps no message past its empty queue)
local function append(sendingUntil, first, tiered)
  local id = ARGV[2]
  -- wasted when the id is already here; sequences need only grow
  local seq = tiered and nextSeq() or redis.call('INCR', N)
  local dids = {}
  for i = first, #ARGV do dids[#dids + 1] = ARGV[i] end
  local mt = {seq, tonumber(ARGV[5]), dids, tonumber(ARGV[6])}
  local packed = cmsgpack.pack(mt)
  if redis.call('HSETNX', M, id, struct.pack('>I4', #packed) .. packed .. ARGV[3]) == 0 then return 0 end
  if sendingUntil > 0 then redis.call('ZADD', S, sendingUntil, id) else addPending(id, mt) end
  return 1
end

-- Selects the oldest pending messages, hot (here) and cold (given: visible cold candidates {id, seq, bytes,
-- previous deadline}, by seq), merged by seq within limit and limitBytes, and takes the hot ones (deletes
-- them, with a tombstone each when `tomb`, or marks them sending). Returns the choice in order:
-- {id, meta or nil (cold), previous deadline, record (hot only)}.
-- `bound` (or nil): the caller read the cold tier only up to this seq, so a cold message it did not read may
-- come after it; then no message above it is chosen, and if the choice stops there short of `limit`, nothing
-- is taken and nil is returned (the caller reads further).
local function takeCore(now, untilMs, limit, limitBytes, delete, did, cold, tomb, bound)
  local late = expired(now, did)
  local pids = redis.call('ZRANGE', did and (P .. ':' .. did) or P, 0, limit - 1)
  local pmetas, precords = {}, {}
  if #pids > 0 then
    for k, record in ipairs(hmget(M, pids)) do
      if record then pmetas[k], precords[k] = metaOf(record), record end
    end
  end
  local chosen = {}
  local i, j, c, bytes = 1, 1, 1, 0
  while #chosen < limit do
    if pids[j] and not pmetas[j] then
      j = j + 1 -- an id without its record (cannot happen); skip it
    else
      local kind, seq
      local e, pm, cc = late[i], pmetas[j], cold[c]
      if e then kind, seq = 'late', e[2][1] end
      if pm and (not seq or pm[1] < seq) then kind, seq = 'pending', pm[1] end
      if cc and (not seq or cc[2] < seq) then kind, seq = 'cold', cc[2] end
      -- short of limit with nothing left to choose: cold messages past the bound were not read
      if not kind then
        if bound then return nil end
        break
      end
      if bound and seq > bound then return nil end
      local entry, size
      if kind == 'late' then
        entry, size = {e[1], e[2], e[3]}, e[2][2]
      elseif kind == 'pending' then
        entry, size = {pids[j], pm, 0, precords[j]}, pm[2]
      else
        entry, size = {cc[1], nil, cc[4]}, cc[3]
      end
      if bytes + size > limitBytes then break end
      bytes = bytes + size
      if kind == 'late' then i = i + 1 elseif kind == 'pending' then j = j + 1 else c = c + 1 end
      chosen[#chosen + 1] = entry
    end
  end
  local ids, metas, pendingIds, pendingMetas = {}, {}, {}, {}
  for _, entry in ipairs(chosen) do
    if entry[2] then
      ids[#ids + 1], metas[#metas + 1] = entry[1], entry[2]
      if entry[3] == 0 then
        pendingIds[#pendingIds + 1], pendingMetas[#pendingMetas + 1] = entry[1], entry[2]
      end
    end
  end
  if #ids == 0 then return chosen end
  local lateIds, lateEntries = {}, {}
  for _, entry in ipairs(chosen) do
    if entry[2] and not entry[4] then
      lateIds[#lateIds + 1], lateEntries[#lateEntries + 1] = entry[1], entry
    end
  end
  if #lateIds > 0 then
    for k, record in ipairs(hmget(M, lateIds)) do lateEntries[k][4] = record end
  end
  if delete then
    forgetBulk(ids, metas)
    if tomb then for _, id in ipairs(ids) do redis.call('HSET', L, id, '-') end end
    dropCounterIfEmpty()
  else
    removePendingBulk(pendingIds, pendingMetas)
    local pairs_ = {}
    for k = 1, #ids do
      pairs_[#pairs_ + 1] = untilMs
      pairs_[#pairs_ + 1] = ids[k]
    end
    for k = 1, #pairs_, 2 * CHUNK do
      redis.call('ZADD', S, unpack(pairs_, k, math.min(k + 2 * CHUNK - 1, #pairs_)))
    end
  end
  return chosen
end

-- claims the given ids that are pending at now; returns {id, previous deadline, seq, record} by seq
local function claimCore(now, untilMs, first)
  local claimed = {}
  for k = first, #ARGV do
    local id = ARGV[k]
    local mt, record = meta(id)
    if mt then
      local deadline = redis.call('ZSCORE', S, id)
      if not deadline then
        removePending(id, mt)
        redis.call('ZADD', S, untilMs, id)
        claimed[#claimed + 1] = {id, 0, mt[1], record}
      elseif tonumber(deadline) <= now then
        redis.call('ZADD', S, untilMs, id)
        claimed[#claimed + 1] = {id, tonumber(deadline), mt[1], record}
      end
    end
  end
  if #claimed > 1 then table.sort(claimed, function(a, b) return a[3] < b[3] end) end
  return claimed
end

-- returns sending messages to pending: the ids from ARGV[first] on, or all when there are none; returns the ids
local function releaseCore(first)
  local ids
  if #ARGV < first then
    ids = redis.call('ZRANGE', S, 0, -1)
  else
    ids = {}
    for k = first, #ARGV do ids[#ids + 1] = ARGV[k] end
  end
  local changed = {}
  for _, id in ipairs(ids) do
    if redis.call('ZREM', S, id) == 1 then
      local mt = meta(id)
      if mt then addPending(id, mt) end
      changed[#changed + 1] = id
    end
  end
  return changed
end

local function countCore(now, did)
  if not did then
    return redis.call('ZCARD', P) + redis.call('ZCOUNT', S, '-inf', now)
  end
  return redis.call('ZCARD', P .. ':' .. did) + #expired(now, did)
end

-- Whether a cold copy is visible: the hot copy, while it exists, is the message; a tombstone hides the cold
-- copy; a shadow copy (written by a mover with `token`) is visible once the ledger names that token.
local function coldVisible(id, token)
  if redis.call('HEXISTS', M, id) == 1 then return false end
  local entry = redis.call('HGET', L, id)
  if token == '' then return entry ~= '-' end
  return entry == token
end

-- the tiering state: moves committed, and that number when the cold tier was last seen empty (or nil)
local function tierVersion()
  local state = redis.call('HMGET', T, 'v', 'w')
  return tonumber(state[1] or '0'), state[2] and tonumber(state[2])
end

local function removeArgs(first)
  local asked = {}
  for k = first, #ARGV do asked[#asked + 1] = ARGV[k] end
  local seen = {}
  return asked, function(id)
    if seen[id] then return false end
    seen[id] = true
    return true
  end
end

-- whether the cold tier is known to hold no visible copy of this connection (so a request may skip it)
local function coldEmpty()
  local v, w = tierVersion()
  return (w == v) and 1 or 0
end

-- ARGV: op, now, sendingUntil, id...: claims; {id, previous deadline, record[, seq]}... flat
local function claimReply(withSeq)
  local out = {}
  for _, c in ipairs(claimCore(tonumber(ARGV[2]), tonumber(ARGV[3]), 4)) do
    out[#out + 1] = c[1]
    out[#out + 1] = c[2]
    out[#out + 1] = c[4]
    if withSeq then out[#out + 1] = c[3] end
  end
  return out
end

-- the cold view check of takeT and countT: nil when the caller must (re)read the cold tier, else whether
-- it may act on its view (true) or has none and needs none (false: the cold tier is known empty)
local function coldViewCurrent(vSeen, v, w)
  if vSeen < 0 then
    if w ~= v then return nil end
    return false
  end
  if vSeen ~= v then return nil end
  return true
end

local function removeAllCore(did, tomb)
  local candidates = redis.call('ZRANGE', P .. ':' .. did, 0, -1) -- pending: all for this recipient
  local pendingCount = #candidates
  for _, id in ipairs(redis.call('ZRANGE', S, 0, -1)) do candidates[#candidates + 1] = id end
  return removeKnown(candidates, function(id, mt, k) return k <= pendingCount or hasRecipient(mt, did) end, tomb)
end

if op == 'append' then
  if appendedBefore(tonumber(ARGV[7])) then return 0 end
  return append(tonumber(ARGV[4]), 8)

elseif op == 'appendRouted' then
  -- appended as sending when the connection has a live session, which is returned ({} when none)
  local session = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if appendedBefore(tonumber(ARGV[7])) then
    if session[1] and stillSending() then return session end
    return {}
  end
  if session[1] then
    append(tonumber(ARGV[4]), 8)
    return session
  end
  append(0, 8)
  return {}

elseif op == 'appendIfRegistered' then
  -- ARGV: op, id, blob, sendingUntil, payloadBytes, receivedAt (now), guard window, maxPending, did...
  -- {0}: no registration alive at now; {1}: maxPending messages pending; else appended as appendRouted
  -- does: {2, sessionId, instanceId, holderId} (sending to that session) or {2} (pending); run again, {2}
  -- (with the session while the message is still sending)
  local now = tonumber(ARGV[6])
  local session = redis.call('HMGET', LIVE, 's', 'i', 'h')
  if redis.call('ZSCORE', M .. ':a', ARGV[2]) then
    if session[1] and stillSending() then return {2, session[1], session[2], session[3]} end
    return {2}
  end
  local deadline = redis.call('GET', KEYS[8])
  if not deadline or tonumber(deadline) <= now then return {0} end
  if redis.call('ZCARD', P) + redis.call('ZCOUNT', S, '-inf', now) >= tonumber(ARGV[8]) then return {1} end
  appendedBefore(tonumber(ARGV[7]))
  if session[1] then
    append(tonumber(ARGV[4]), 9)
    return {2, session[1], session[2], session[3]}
  end
  append(0, 9)
  return {2}

elseif op == 'appendT' then
  -- ARGV: op, id, blob, sendingUntil, payloadBytes, receivedAt, guard window, routed (1/0), did...
  -- returns {wasEmpty (1/0), sessionId, instanceId, holderId}, the session only when routed and live (run
  -- again: {0}, with the session while the message is still sending)
  local wasEmpty = isEmpty() and 1 or 0
  local routed = ARGV[8] == '1'
  local session = routed and redis.call('HMGET', LIVE, 's', 'i', 'h') or {}
  if appendedBefore(tonumber(ARGV[7])) then
    if session[1] and stillSending() then return {0, session[1], session[2], session[3]} end
    return {0}
  end
  if routed then
    if session[1] then
      append(tonumber(ARGV[4]), 9, true)
      return {wasEmpty, session[1], session[2], session[3]}
    end
    append(0, 9, true)
  else
    append(tonumber(ARGV[4]), 9, true)
  end
  return {wasEmpty}

elseif op == 'take' then
  -- ARGV: op, now, sendingUntil, limit, limitBytes, delete (1/0), recipientDid (optional)
  local chosen = takeCore(tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]),
      ARGV[6] == '1', ARGV[7], {}, false)
  local out = {}
  for _, entry in ipairs(chosen) do
    out[#out + 1] = entry[1]
    out[#out + 1] = entry[3]
    out[#out + 1] = entry[4]
  end
  return out

elseif op == 'dropTaken' then
  -- ARGV: op, deadline, id...: the second step of a destructive take, sent once its reply arrived (the first
  -- took the messages as sending until deadline): deletes those still sending until that deadline, or
  -- pending again (a takeover released them meanwhile); one sending until another deadline was taken again
  -- after the deadline passed, by a take that owns it now. Returns how many were deleted.
  local deadline = tonumber(ARGV[2])
  local asked, once = removeArgs(3)
  return #removeKnown(asked, function(id)
    if not once(id) then return false end
    local score = redis.call('ZSCORE', S, id)
    return not score or tonumber(score) == deadline
  end, false)

elseif op == 'claim' then
  -- ARGV: op, now, sendingUntil, id...
  return claimReply(false)

elseif op == 'release' then
  -- ARGV: op, id... (none: every sending message)
  return #releaseCore(2)

elseif op == 'remove' then
  -- ARGV: op, id...
  local asked, once = removeArgs(2)
  return #removeKnown(asked, once, false)

elseif op == 'removeAll' then
  -- ARGV: op, recipientDid
  return #removeAllCore(ARGV[2], false)

elseif op == 'count' then
  -- ARGV: op, now, recipientDid (optional)
  return countCore(tonumber(ARGV[2]), ARGV[3])

-- ---- the hot tier of the tiered store (io.github.mpr4j.core.tiering) ----

elseif op == 'takeT' then
  -- ARGV: op, now, sendingUntil, limit, limitBytes, delete, recipientDid ('' for all), vSeen (-1: no cold view),
  -- tomb (1/0), coldEmpty (1/0: the cold tier holds no copy of this connection), bound (the seq of the last
  -- candidate when the read of the cold tier stopped at its window, else -1), then cold candidates by seq,
  -- five values each: id, seq, payloadBytes, token ('' when committed), previous deadline.
  -- Returns {'cold', v} when the caller must (re)read the cold tier, {'more', v} when it must read it past
  -- the bound (copies in its window were not visible: a crashed mover's shadows, say, so the window held
  -- fewer visible messages than the take may need), else {'ok', v, {id, 'h'|'c'}..., {id, previous
  -- deadline, record}... of the hot ones, garbage shadow ids}.
  local now, untilMs, limit, limitBytes = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
  local did = ARGV[7] ~= '' and ARGV[7] or nil
  local vSeen = tonumber(ARGV[8])
  local v, w = tierVersion()
  local cold, garbage = {}, {}
  local current = coldViewCurrent(vSeen, v, w)
  if current == nil then return {'cold', v} end
  local bound = tonumber(ARGV[11])
  if not current or bound < 0 then bound = nil end
  if current then
    for k = 12, #ARGV, 5 do
      local id, token = ARGV[k], ARGV[k + 3]
      if coldVisible(id, token) then
        cold[#cold + 1] = {id, tonumber(ARGV[k + 1]), tonumber(ARGV[k + 2]), tonumber(ARGV[k + 4])}
      elseif token ~= '' and redis.call('HEXISTS', M, id) == 0 then
        garbage[#garbage + 1] = id -- a shadow no mover can commit any more
      end
    end
    if ARGV[10] == '1' then redis.call('HSET', T, 'w', v) end
  end
  local chosen = takeCore(now, untilMs, limit, limitBytes, ARGV[6] == '1', did, cold, ARGV[9] == '1', bound)
  if not chosen then return {'more', v} end
  local order, hot = {}, {}
  for _, entry in ipairs(chosen) do
    order[#order + 1] = entry[1]
    order[#order + 1] = entry[2] and 'h' or 'c'
    if entry[2] then
      hot[#hot + 1] = entry[1]
      hot[#hot + 1] = entry[3]
      hot[#hot + 1] = entry[4]
    end
  end
  return {'ok', v, order, hot, garbage}

elseif op == 'countT' then
  -- ARGV: op, now, recipientDid ('' for all), vSeen, coldEmpty, then shadow copies: id, token...
  -- returns {'cold', v} or {'ok', v, hot count, visible shadows}
  local now, did, vSeen = tonumber(ARGV[2]), ARGV[3] ~= '' and ARGV[3] or nil, tonumber(ARGV[4])
  local v, w = tierVersion()
  local shadows = 0
  local current = coldViewCurrent(vSeen, v, w)
  if current == nil then return {'cold', v} end
  if current then
    for k = 6, #ARGV, 2 do
      if coldVisible(ARGV[k], ARGV[k + 1]) then shadows = shadows + 1 end
    end
    if ARGV[5] == '1' then redis.call('HSET', T, 'w', v) end
  end
  return {'ok', v, countCore(now, did), shadows}

elseif op == 'visible' then
  -- ARGV: op, then cold copies: id, token...; returns the visible ids
  local out = {}
  for k = 2, #ARGV, 2 do
    if coldVisible(ARGV[k], ARGV[k + 1]) then out[#out + 1] = ARGV[k] end
  end
  return out

elseif op == 'claimT' then
  -- ARGV: op, now, sendingUntil, id...; returns {coldEmpty, {id, previous deadline, record, seq}...}
  return {coldEmpty(), claimReply(true)}

-- releaseT, removeT and removeAllT return {coldEmpty, ids}
elseif op == 'releaseT' then
  -- ARGV: op, id... (none: all); the released ids
  return {coldEmpty(), releaseCore(2)}

elseif op == 'removeT' then
  -- ARGV: op, tomb (1/0), id...; the removed ids
  local asked, once = removeArgs(3)
  return {coldEmpty(), removeKnown(asked, once, ARGV[2] == '1')}

elseif op == 'removeAllT' then
  -- ARGV: op, recipientDid, tomb (1/0); the removed ids
  return {coldEmpty(), removeAllCore(ARGV[2], ARGV[3] == '1')}

elseif op == 'ledgerDrop' then
  -- ARGV: op, then id, value...: drops each ledger entry that still has that value. Dropping a mover's token
  -- (its copies are ordinary cold messages by now) counts as a move: a read holding a view of the cold tier
  -- from before, where the copy was still a shadow, must read it again, or it would not see the message.
  local dropped, tokens = 0, 0
  for k = 2, #ARGV, 2 do
    if redis.call('HGET', L, ARGV[k]) == ARGV[k + 1] then
      redis.call('HDEL', L, ARGV[k])
      dropped = dropped + 1
      if ARGV[k + 1] ~= '-' then tokens = tokens + 1 end
    end
  end
  if tokens > 0 then redis.call('HINCRBY', T, 'v', 1) end
  return dropped

elseif op == 'moveRead' then
  -- ARGV: op, fence, cutoff (receivedAt at or before it moves), batch. Records the fence: a mover with a lower
  -- one can no longer commit here. Returns {'fenced'} or {'ok', ledger {id, value}..., candidates
  -- {id, state (0 pending, else the deadline), seq, record}...}
  local fence, cutoff, batch = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
  if tonumber(redis.call('HGET', T, 'f') or '0') > fence then return {'fenced'} end
  redis.call('HSET', T, 'f', fence)
  local ledger = redis.call('HGETALL', L)
  local ids, states, metas, records = {}, {}, {}, {}
  local pids = redis.call('ZRANGE', P, 0, batch - 1)
  if #pids > 0 then
    for k, record in ipairs(hmget(M, pids)) do
      if record then
        local mt = metaOf(record)
        if (mt[4] or 0) <= cutoff then
          local n = #ids + 1
          ids[n], states[n], metas[n], records[n] = pids[k], 0, mt, record
        end
      end
    end
  end
  local sending = redis.call('ZRANGE', S, 0, batch - 1, 'WITHSCORES')
  for k = 1, #sending, 2 do
    if #ids >= batch then break end
    local mt, record = meta(sending[k])
    if mt and (mt[4] or 0) <= cutoff then
      local n = #ids + 1
      ids[n], states[n], metas[n], records[n] = sending[k], tonumber(sending[k + 1]), mt, record
    end
  end
  local out = {}
  for k = 1, #ids do
    out[#out + 1] = ids[k]
    out[#out + 1] = states[k]
    out[#out + 1] = metas[k][1]
    out[#out + 1] = records[k]
  end
  return {'ok', ledger, out}

elseif op == 'moveCommit' then
  -- ARGV: op, fence, token, then id, state...: deletes each hot copy whose state is still the one copied,
  -- naming this mover's token in the ledger, atomically. Returns {'fenced'} or {'ok', committed ids}.
  if tonumber(redis.call('HGET', T, 'f') or '0') ~= tonumber(ARGV[2]) then return {'fenced'} end
  local token = ARGV[3]
  local ids, metas = {}, {}
  for k = 4, #ARGV, 2 do
    local id = ARGV[k]
    local mt = meta(id)
    if mt then
      local deadline = redis.call('ZSCORE', S, id)
      if (deadline and tonumber(deadline) or 0) == tonumber(ARGV[k + 1]) then
        ids[#ids + 1], metas[#metas + 1] = id, mt
      end
    end
  end
  if #ids > 0 then
    forgetBulk(ids, metas)
    for _, id in ipairs(ids) do redis.call('HSET', L, id, token) end
    redis.call('HINCRBY', T, 'v', 1)
    dropCounterIfEmpty()
  end
  return {'ok', ids}

elseif op == 'moveDue' then
  -- ARGV: op, threshold: when the connection is next due for the mover (receivedAt-like score), or -1 when
  -- it is empty (isEmpty)
  if isEmpty() then return -1 end
  if redis.call('EXISTS', L) == 1 then return 0 end
  local threshold = tonumber(ARGV[2])
  local due = nil
  local head = redis.call('ZRANGE', P, 0, 0)
  if head[1] then
    local mt = meta(head[1])
    due = mt and (mt[4] or 0)
  end
  local sending = redis.call('ZRANGE', S, 0, 999, 'WITHSCORES')
  for k = 1, #sending, 2 do
    local mt = meta(sending[k])
    if mt then
      local at = math.max(mt[4] or 0, tonumber(sending[k + 1]) - threshold)
      if not due or at < due then due = at end
    end
  end
  return due or 0

elseif op == 'bump' then
  -- cold copies became visible outside a move (write-through recovery): forget that the cold tier was empty
  return redis.call('HINCRBY', T, 'v', 1)

elseif op == 'sweepCheck' then
  -- ARGV: op, id...; for each: 'h' (a hot copy exists), 'l' (a ledger entry exists) or '' (neither)
  local out = {}
  for k = 2, #ARGV do
    if redis.call('HEXISTS', M, ARGV[k]) == 1 then out[#out + 1] = 'h'
    elseif redis.call('HEXISTS', L, ARGV[k]) == 1 then out[#out + 1] = 'l'
    else out[#out + 1] = '' end
  end
  return out

-- ---- the tiering index and lease: KEYS[1] is the index (a sorted set of connection ids by due time) or the
-- lease, KEYS[2] the fence counter ----

elseif op == 'dueAdd' then
  -- ARGV: op, score, connectionId, nx (1/0)
  if ARGV[4] == '1' then return redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[3]) end
  return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])

elseif op == 'dueRemove' then
  return redis.call('ZREM', KEYS[1], ARGV[2])

elseif op == 'dueRange' then
  -- ARGV: op, max score, count
  return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))

elseif op == 'leaseAcquire' then
  -- ARGV: op, owner, ttl ms; returns the new fence, or 0 when another owner holds the lease
  if not redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', tonumber(ARGV[3])) then return 0 end
  return redis.call('INCR', KEYS[2])

elseif op == 'leaseRenew' then
  -- ARGV: op, owner, ttl ms; 1 when still held (and extended), else 0
  if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]))
  return 1

elseif op == 'leaseRelease' then
  if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
  return redis.call('DEL', KEYS[1])

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
