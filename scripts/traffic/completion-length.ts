/**
 * How long the synthetic upstream's answer to a prompt is, before max_tokens cuts it: what a real
 * model would roughly write for that kind of request. Deterministic in the prompt.
 */
export function naturalLength(prompt: string): number {
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 16777619) >>> 0;
  const within = (lo: number, hi: number) => lo + (h % (hi - lo + 1));
  if (/label only/i.test(prompt)) return 1;
  if (/^Summarise/im.test(prompt)) return within(120, 260);
  if (/encyclopedia|essay|textbook|tutorial|lesson plan|dialogue|exam question|critique|Compare three|Explain to a|problem about/i.test(prompt)) return within(700, 1600);
  if (/(Fix the bug in|Refactor|Add tests for|Explain this error in) this code/i.test(prompt)) return within(150, 450);
  if (/^Context:/im.test(prompt)) return within(120, 400);
  if (/support assistant/i.test(prompt)) return within(40, 140);
  return within(60, 300);
}

/** The gateway's own rough token estimate for a prompt (about four characters per token). */
export const promptTokens = (text: string): number => Math.ceil(text.length / 4);
