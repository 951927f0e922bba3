/**
 * The gateway's Redis scripts: a plain call is admitted and finished in one round trip after its
 * upstream answered (ADMIT_FINISH_LUA); a call with an Idempotency-Key, a stream, or a call whose
 * limits are close takes one round trip to begin and one to finish (and a stream one per batch of
 * text in between). Each runs atomically, and each starts with `#!lua` and no
 * flags, so Redis refuses a writing script *before* it runs when memory is at maxmemory: a call
 * is begun or finished entirely or not at all.
 *
 * Limits per scope (organisation, then the key's team if it has one, then key) are GCRA (generic cell rate algorithm): a stored
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
 * The limits, shared by BEGIN_LUA and ADMIT_FINISH_LUA: `admit(k0, a0, now, estTokens, estCost, storedTokens)`
 * checks every scope (5 keys per scope from KEYS[k0 + 1], rpm/tpm/cap per scope from ARGV[a0]) and
 * returns a denial, or nil and the figures for the answer: per scope requests remaining, requests
 * reset ms, tokens remaining, tokens reset ms, spend headroom (cap - spent - held - this call's
 * worst case; -1 = no cap). The tokens limit is checked with `estTokens` and moved by `storedTokens`
 * (the worst case at begin, the real count when admitting and finishing at once).
 */
const ADMIT_LUA = `
local W = ${WINDOW_MS}
local function admit(k0, a0, scopes, now, estTokens, estCost, storedTokens)
  local tats = {}
  -- GCRA: cost c of a limit L per minute moves the arrival time by c * (W / L); refused when it
  -- would run more than a minute ahead of now.
  local function gcra(key, limit, cost, stored, i, kind)
    if limit < 0 then return nil end
    if limit == 0 then return {'deny', i, 'blocked', W} end
    if cost > limit then return {'deny', i, 'too_large', W} end
    local tat = math.max(tonumber(redis.call('GET', key) or '0'), now)
    local nextTat = tat + cost * W / limit
    if nextTat - now > W then return {'deny', i, kind, math.ceil(nextTat - now - W)} end
    tats[key] = {tat + stored * W / limit, nextTat}
    return nil
  end
  local out = {'ok'}
  for i = 0, scopes - 1 do
    local k = k0 + i * 5
    local rpm = tonumber(ARGV[a0 + i * 3])
    local tpm = tonumber(ARGV[a0 + 1 + i * 3])
    local cap = tonumber(ARGV[a0 + 2 + i * 3])
    local denied = gcra(KEYS[k + 1], rpm, 1, 1, i, 'requests') or gcra(KEYS[k + 2], tpm, estTokens, storedTokens, i, 'tokens')
    if denied then return denied end
    local headroom = -1
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
      headroom = cap - spent - tonumber(redis.call('GET', KEYS[k + 5]) or '0') - estCost
      if headroom < 0 then return {'deny', i, 'spend_held', 1000} end
    end
    for j, limit in ipairs({rpm, tpm}) do
      local key = KEYS[k + j]
      if limit > 0 then
        local ahead = tats[key][2] - now
        table.insert(out, math.floor((W - ahead) * limit / W))
        table.insert(out, math.ceil(ahead))
      else
        table.insert(out, -1)
        table.insert(out, 0)
      end
    end
    table.insert(out, headroom)
  end
  for key, tat in pairs(tats) do
    redis.call('SET', key, tostring(tat[1]), 'PX', math.max(1, math.ceil(tat[1] - now)) + 1000)
  end
  return nil, out
end
`;

/** Per scope in an 'ok' answer: requests remaining, requests reset ms, tokens remaining, tokens reset ms, spend headroom. */
export const FIGURES_PER_SCOPE = 5;

/**
 * KEYS: idempotency record, call record, call's delivered text, calls index (zset), then 5 per scope.
 * ARGV: now_ms, month_ttl_s, hold_member, est_tokens, est_cost, hold_expiry_ms, idem (0/1),
 * body_hash, idem_ttl_s, request_id, owner, record, delivered text ('' = none yet), then per scope:
 * rpm, tpm, cap (-1 = unlimited).
 * Returns one of
 *   {'ok', per scope: the FIGURES_PER_SCOPE figures}
 *   {'deny', scope_index, 'requests'|'tokens'|'too_large'|'blocked'|'spend'|'spend_held', retry_after_ms}
 *   {'replay', stored}  {'in_use'}  {'reused'}
 * The delivered text is a stream's first batch, written ahead in the same step (the stream's first
 * chunk then costs no round trip of its own).
 */
export const BEGIN_LUA = `#!lua
${ADMIT_LUA}
local now = tonumber(ARGV[1])
local estTokens = tonumber(ARGV[4])
local estCost = tonumber(ARGV[5])
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
local denied, out = admit(4, 14, scopes, now, estTokens, estCost, estTokens)
if denied then return denied end
for i = 0, scopes - 1 do
  local k = 4 + i * 5
  if tonumber(ARGV[16 + i * 3]) >= 0 and estCost > 0 then
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
if ARGV[13] ~= '' then redis.call('APPEND', KEYS[3], ARGV[13]) end
redis.call('ZADD', KEYS[4], now, ARGV[10])
return out
`;

/**
 * A plain call admitted and finished in one step, after its upstream answered: the same
 * limits as BEGIN_LUA (checked with the worst case, the tokens limit moved by the real count, so
 * the counters end as a begin followed at once by a finish would leave them), then the finish's
 * records: spend counted, usage record and audit entry appended. No hold, no started record, no
 * idempotency record (calls with an Idempotency-Key always begin first): nothing reaches the
 * client before this is accepted, so a gateway that dies before it leaves nothing to reap.
 * KEYS: done marker, usage stream, audit stream, then 5 per scope (as BEGIN_LUA).
 * ARGV: now_ms, month_ttl_s, est_tokens, est_cost, real_tokens, owner, done_ttl_s, cost, usage,
 *   audit ('' = none), then per scope: rpm, tpm, cap (-1 = unlimited), then, only with tracing on,
 *   the call's traceparent (field 't' of the usage and audit entries, beside the record and the
 *   event: not hashed into the leaf).
 * Returns {'ok', figures as BEGIN_LUA}, a denial as BEGIN_LUA (nothing recorded), or {'already'} when
 * this owner's earlier attempt was applied (its reply lost).
 */
export const ADMIT_FINISH_LUA = `#!lua
${ADMIT_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return {'already'} end
local now = tonumber(ARGV[1])
local scopes = (#KEYS - 3) / 5
local denied, out = admit(3, 11, scopes, now, tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
if denied then return denied end
redis.call('SET', KEYS[1], 'own:' .. ARGV[6], 'EX', ARGV[7])
local cost = tonumber(ARGV[8])
if cost > 0 then
  for i = 0, scopes - 1 do
    local key = KEYS[3 + i * 5 + 3]
    if redis.call('INCRBY', key, ARGV[8]) == cost then redis.call('EXPIRE', key, ARGV[2]) end
  end
end
local tp = ARGV[11 + scopes * 3]
if tp then redis.call('XADD', KEYS[2], '*', 'u', ARGV[9], 't', tp)
else redis.call('XADD', KEYS[2], '*', 'u', ARGV[9]) end
if ARGV[10] ~= '' then
  if tp then redis.call('XADD', KEYS[3], '*', 'v', ARGV[10], 't', tp)
  else redis.call('XADD', KEYS[3], '*', 'v', ARGV[10]) end
end
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
 *   idem_ttl_s, then per scope: ms per token (0 = no token limit), then, only with tracing on, the
 *   call's traceparent (the usage and audit entries' field 't', as ADMIT_FINISH_LUA).
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
  local cost = tonumber(ARGV[9])
  if cost > 0 then
    for i = 0, scopes - 1 do
      local key = KEYS[8 + i * 4 + 2]
      if redis.call('INCRBY', key, ARGV[9]) == cost then redis.call('EXPIRE', key, ARGV[5]) end
    end
  end
  local tp = ARGV[15 + scopes]
  if tp then redis.call('XADD', KEYS[5], '*', 'u', ARGV[10], 't', tp)
  else redis.call('XADD', KEYS[5], '*', 'u', ARGV[10]) end
  if ARGV[11] ~= '' then
    if tp then redis.call('XADD', KEYS[6], '*', 'v', ARGV[11], 't', tp)
    else redis.call('XADD', KEYS[6], '*', 'v', ARGV[11]) end
  end
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
