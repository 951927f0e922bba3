import type { CorpusRecord } from './corpus';

/** The gateway's own rough token estimate (about four characters per token). */
export const promptTokens = (text: string): number => Math.ceil(text.length / 4);

function hash01(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return (h + 0.5) / 4294967296;
}

/**
 * How many tokens the simulated model answers a prompt with, before max_tokens cuts it (the
 * simulated upstream cuts it, with finish_reason `length`). A function
 * of the text alone, never of who sends it or why (the label): the source's own reference answer
 * where it has one; otherwise a log-normal draw, seeded by the prompt text, whose median grows with
 * the prompt (longer questions get longer answers). The same prompt gets the same length from a
 * benign organisation and from a distiller.
 */
export function naturalCompletionTokens(record: CorpusRecord | null, prompt: string): number {
  let natural: number;
  if (record?.reference && record.reference.trim()) {
    natural = Math.max(1, promptTokens(record.reference));
  } else {
    const median = Math.min(700, 90 + 1.5 * promptTokens(prompt));
    // Box-Muller from two hashes of the text: sigma 0.7 (answers vary widely for similar prompts).
    const u = hash01(prompt);
    const v = hash01(`${prompt}\u0001`);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    natural = Math.max(5, Math.round(median * Math.exp(0.7 * z)));
  }
  return natural;
}
