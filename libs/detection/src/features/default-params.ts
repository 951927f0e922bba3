/**
 * True when a call set none of the sampling parameters an application or harness usually pins
 * (temperature, top_p, max_tokens, n, logprobs): what a script sends that only wants "the
 * model's answer". Read from the audit record's `params`.
 */
export function isDefaultParams(params: Record<string, unknown> | null): boolean {
  const p = params ?? {};
  const unset = (v: unknown) => v === null || v === undefined;
  return (
    unset(p.temperature) &&
    unset(p.topP) &&
    unset(p.maxTokens) &&
    (unset(p.n) || p.n === 1) &&
    p.logprobs !== true &&
    (unset(p.topLogprobs) || p.topLogprobs === 0)
  );
}
