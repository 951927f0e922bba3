/**
 * Redis scripts for admission and settlement. Each runs atomically, so concurrent calls see each
 * other's counts: requests are counted at admission (exact), tokens are reserved at admission
 * (prompt estimate + max output) and corrected at settlement, and spend is held at admission as a
 * worst-case estimate and replaced by the real cost at settlement. A cap can therefore only be
 * overshot by the difference between the real and the estimated cost of calls in flight.
 *
 * Per scope (organisation, then key) the keys are, in order:
 *   requests window, tokens window, spend month, holds zset (member -> expiry), holds sum.
 */
export const SCOPE_KEYS = 5;

/**
 * KEYS: 5 per scope. ARGV: now_ms, window_ttl_s, month_ttl_s, hold_member, est_tokens, est_cost,
 * hold_expiry_ms, then per scope: rpm, tpm, cap (-1 = unlimited).
 * Returns {-1, ''} when admitted, else {scope_index, 'requests'|'tokens'|'spend'|'spend_held'}.
 */
export const ADMIT_LUA = `
local now = tonumber(ARGV[1])
local estTokens = tonumber(ARGV[5])
local estCost = tonumber(ARGV[6])
local scopes = #KEYS / 5
for i = 0, scopes - 1 do
  local k = i * 5
  local rpm = tonumber(ARGV[8 + i * 3])
  local tpm = tonumber(ARGV[9 + i * 3])
  local cap = tonumber(ARGV[10 + i * 3])
  if rpm >= 0 and tonumber(redis.call('GET', KEYS[k + 1]) or '0') + 1 > rpm then return {i, 'requests'} end
  if tpm >= 0 and tonumber(redis.call('GET', KEYS[k + 2]) or '0') + estTokens > tpm then return {i, 'tokens'} end
  if cap >= 0 then
    -- Holds of calls that never settled (a crashed gateway) expire instead of blocking forever.
    local expired = redis.call('ZRANGEBYSCORE', KEYS[k + 4], '-inf', now)
    for _, member in ipairs(expired) do
      local amount = tonumber(string.match(member, ':(%d+)$') or '0')
      redis.call('ZREM', KEYS[k + 4], member)
      redis.call('DECRBY', KEYS[k + 5], amount)
    end
    local spent = tonumber(redis.call('GET', KEYS[k + 3]) or '0')
    if spent >= cap then return {i, 'spend'} end
    if spent + tonumber(redis.call('GET', KEYS[k + 5]) or '0') + estCost > cap then return {i, 'spend_held'} end
  end
end
for i = 0, scopes - 1 do
  local k = i * 5
  redis.call('INCR', KEYS[k + 1])
  redis.call('EXPIRE', KEYS[k + 1], ARGV[2])
  redis.call('INCRBY', KEYS[k + 2], estTokens)
  redis.call('EXPIRE', KEYS[k + 2], ARGV[2])
  if tonumber(ARGV[10 + i * 3]) >= 0 and estCost > 0 then
    redis.call('ZADD', KEYS[k + 4], ARGV[7], ARGV[4])
    redis.call('INCRBY', KEYS[k + 5], estCost)
    redis.call('EXPIRE', KEYS[k + 4], ARGV[3])
    redis.call('EXPIRE', KEYS[k + 5], ARGV[3])
  end
end
return {-1, ''}
`;

/**
 * Settles one call and queues its usage record, atomically: holds released and the token
 * reservation corrected every time, but spend counted and the record queued only the first time
 * a request id is seen, so a retried call is counted once.
 * KEYS: done marker, usage stream, then 4 per scope (tokens window, spend month, holds zset, holds sum).
 * ARGV: done_ttl_s, month_ttl_s, hold_member, hold_amount, token_delta, cost, payload.
 * Returns 1 when counted, 0 for a duplicate.
 */
export const SETTLE_LUA = `
local scopes = (#KEYS - 2) / 4
for i = 0, scopes - 1 do
  local k = 2 + i * 4
  if ARGV[3] ~= '' and redis.call('ZREM', KEYS[k + 3], ARGV[3]) == 1 then
    redis.call('DECRBY', KEYS[k + 4], ARGV[4])
  end
  if tonumber(ARGV[5]) ~= 0 and redis.call('EXISTS', KEYS[k + 1]) == 1 then
    redis.call('INCRBY', KEYS[k + 1], ARGV[5])
  end
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
if tonumber(ARGV[6]) > 0 then
  for i = 0, scopes - 1 do
    local k = 2 + i * 4
    redis.call('INCRBY', KEYS[k + 2], ARGV[6])
    redis.call('EXPIRE', KEYS[k + 2], ARGV[2])
  end
end
redis.call('XADD', KEYS[2], '*', 'u', ARGV[7])
return 1
`;
