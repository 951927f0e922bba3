/**
 * The gateway's Redis scripts: one round trip to begin a call, one to finish it (and one per
 * batch of streamed text in between). Each runs atomically, and each starts with `#!lua` and no
 * flags, so Redis refuses a writing script *before* it runs when memory is at maxmemory: a call
 * is begun or finished entirely or not at all.
 *
 * Limits per scope (organisation, then key) are GCRA (generic cell rate algorithm): a stored
 * "theoretical arrival time" per limit; a minute's worth of burst; a refused call learns exactly
 * when capacity returns (a short, honest retry-after instead of "the next minute"). Spend is held
 * at begin as the call's worst-case cost and replaced by the real cost at finish.
 *
 * Per scope the begin keys are, in order: requests TAT, tokens TAT, spend month, holds zset
 * (member -> expiry), holds sum. The finish keys: tokens TAT, spend month, holds zset, holds sum.
 */
export const BEGIN_SCOPE_KEYS = 5;
export const FINISH_SCOPE_KEYS = 4;
export const WINDOW_MS = 60_000;

/**
 * KEYS: idempotency record, call record, call's delivered text, calls index (zset), then 5 per scope.
 * ARGV: now_ms, month_ttl_s, hold_member, est_tokens, est_cost, hold_expiry_ms, idem (0/1),
 * body_hash, idem_ttl_s, request_id, owner, record, then per scope: rpm, tpm, cap (-1 = unlimited).
 * Returns one of
 *   {'ok', per scope: requests remaining, requests reset ms, tokens remaining, tokens reset ms}
 *   {'deny', scope_index, 'requests'|'tokens'|'too_large'|'blocked'|'spend'|'spend_held', retry_after_ms}
 *   {'replay', stored}  {'in_use'}  {'reused'}
 */
export const BEGIN_LUA = `#!lua
local now = tonumber(ARGV[1])
local estTokens = tonumber(ARGV[4])
local estCost = tonumber(ARGV[5])
local W = ${WINDOW_MS}
if ARGV[7] == '1' then
  local h = redis.call('HGET', KEYS[1], 'h')
  if h then
    if h ~= ARGV[8] then return {'reused'} end
    local stored = redis.call('HGET', KEYS[1], 'r')
    if stored then return {'replay', stored} end
    return {'in_use'}
  end
end
local scopes = (#KEYS - 4) / 5
local tats = {}
-- GCRA: cost c of a limit L per minute moves the arrival time by c * (W / L); refused when it
-- would run more than a minute ahead of now.
local function gcra(key, limit, cost, i, kind)
  if limit < 0 then return nil end
  if limit == 0 then return {'deny', i, 'blocked', W} end
  if cost > limit then return {'deny', i, 'too_large', W} end
  local tat = math.max(tonumber(redis.call('GET', key) or '0'), now)
  local nextTat = tat + cost * W / limit
  if nextTat - now > W then return {'deny', i, kind, math.ceil(nextTat - now - W)} end
  tats[key] = nextTat
  return nil
end
local out = {'ok'}
for i = 0, scopes - 1 do
  local k = 4 + i * 5
  local rpm = tonumber(ARGV[13 + i * 3])
  local tpm = tonumber(ARGV[14 + i * 3])
  local cap = tonumber(ARGV[15 + i * 3])
  local denied = gcra(KEYS[k + 1], rpm, 1, i, 'requests') or gcra(KEYS[k + 2], tpm, estTokens, i, 'tokens')
  if denied then return denied end
  if cap >= 0 then
    -- Holds of calls that never finished and were never reaped expire instead of blocking forever.
    local expired = redis.call('ZRANGEBYSCORE', KEYS[k + 4], '-inf', now)
    for _, member in ipairs(expired) do
      local amount = tonumber(string.match(member, ':(%d+)$') or '0')
      redis.call('ZREM', KEYS[k + 4], member)
      redis.call('DECRBY', KEYS[k + 5], amount)
    end
    local spent = tonumber(redis.call('GET', KEYS[k + 3]) or '0')
    -- Spent, or too little left for this call's worst case even with nothing in flight: a hard stop.
    if spent >= cap or spent + estCost > cap then return {'deny', i, 'spend', 0} end
    -- Calls in flight hold the rest: transient, their holds are released within their calls.
    if spent + tonumber(redis.call('GET', KEYS[k + 5]) or '0') + estCost > cap then return {'deny', i, 'spend_held', 1000} end
  end
  for j, limit in ipairs({rpm, tpm}) do
    local key = KEYS[k + j]
    if limit > 0 then
      local ahead = tats[key] - now
      table.insert(out, math.floor((W - ahead) * limit / W))
      table.insert(out, math.ceil(ahead))
    else
      table.insert(out, -1)
      table.insert(out, 0)
    end
  end
end
for key, tat in pairs(tats) do
  redis.call('SET', key, tostring(tat), 'PX', math.ceil(tat - now) + 1000)
end
for i = 0, scopes - 1 do
  local k = 4 + i * 5
  if tonumber(ARGV[15 + i * 3]) >= 0 and estCost > 0 then
    redis.call('ZADD', KEYS[k + 4], ARGV[6], ARGV[3])
    redis.call('INCRBY', KEYS[k + 5], estCost)
    redis.call('EXPIRE', KEYS[k + 4], ARGV[2])
    redis.call('EXPIRE', KEYS[k + 5], ARGV[2])
  end
end
if ARGV[7] == '1' then
  redis.call('HSET', KEYS[1], 'h', ARGV[8], 'id', ARGV[10])
  redis.call('EXPIRE', KEYS[1], ARGV[9])
end
-- The started record: what a reaper needs to finish the call if this gateway dies.
redis.call('HSET', KEYS[2], 'o', ARGV[11], 's', ARGV[12])
redis.call('ZADD', KEYS[4], now, ARGV[10])
return out
`;

/**
 * Write-ahead of streamed text: appended to the call's record before it is sent to the client.
 * KEYS: call record, call's delivered text. ARGV: owner, text. Returns 1, or 0 when the call is
 * no longer this owner's (reaped).
 */
export const CHECKPOINT_LUA = `#!lua
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
redis.call('APPEND', KEYS[2], ARGV[2])
return 1
`;

/**
 * Finishes a call, atomically: releases its hold and corrects its token reservation, counts its
 * spend and appends its usage record (once per request id), appends its audit record (premium
 * calls that delivered text), stores or releases its idempotency record, and deletes its started
 * record. A reaper (mode 'reap') finishes only calls whose owner's heartbeat is gone.
 * KEYS: call record, delivered text, calls index, done marker, usage stream, audit stream,
 *   idempotency record, owner heartbeat, then 4 per scope.
 * ARGV: owner, mode ('own'|'reap'), request_id, done_ttl_s, month_ttl_s, hold_member, hold_amount,
 *   token_delta, cost, usage, audit ('' = none), idem ('' | 'store' | 'release'), idem_response,
 *   idem_ttl_s, then per scope: ms per token (0 = no token limit).
 * Returns 1 when finished, 2 when this owner had already finished it (an earlier attempt whose reply
 * was lost), 0 when it was finished otherwise (reaped), -1 when its owner lives (mode 'reap').
 */
export const FINISH_LUA = `#!lua
if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then
  if ARGV[2] == 'own' and redis.call('GET', KEYS[4]) == 'own:' .. ARGV[1] then return 2 end
  return 0
end
if ARGV[2] == 'reap' and redis.call('EXISTS', KEYS[8]) == 1 then return -1 end
local scopes = (#KEYS - 8) / 4
local delta = tonumber(ARGV[8])
for i = 0, scopes - 1 do
  local k = 8 + i * 4
  if ARGV[6] ~= '' and redis.call('ZREM', KEYS[k + 3], ARGV[6]) == 1 then
    redis.call('DECRBY', KEYS[k + 4], ARGV[7])
  end
  local perToken = tonumber(ARGV[15 + i])
  if perToken > 0 and delta ~= 0 then
    local tat = tonumber(redis.call('GET', KEYS[k + 1]) or '')
    if tat then redis.call('SET', KEYS[k + 1], tostring(tat + delta * perToken), 'KEEPTTL') end
  end
end
if redis.call('SET', KEYS[4], ARGV[2] .. ':' .. ARGV[1], 'NX', 'EX', ARGV[4]) then
  if tonumber(ARGV[9]) > 0 then
    for i = 0, scopes - 1 do
      local k = 8 + i * 4
      redis.call('INCRBY', KEYS[k + 2], ARGV[9])
      redis.call('EXPIRE', KEYS[k + 2], ARGV[5])
    end
  end
  redis.call('XADD', KEYS[5], '*', 'u', ARGV[10])
  if ARGV[11] ~= '' then redis.call('XADD', KEYS[6], '*', 'e', ARGV[11]) end
end
if ARGV[12] == 'store' then
  redis.call('HSET', KEYS[7], 'r', ARGV[13])
  redis.call('EXPIRE', KEYS[7], ARGV[14])
elseif ARGV[12] == 'release' and redis.call('HGET', KEYS[7], 'id') == ARGV[3] then
  redis.call('DEL', KEYS[7])
end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[3])
return 1
`;
