/** OpenAI's moderation categories, in the order the API lists them. */
export const MODERATION_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm',
  'self-harm/intent',
  'self-harm/instructions',
  'sexual',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;

/** Words that make the simulator flag a category: a fixed, documented list (docs/gateway-clients.md). */
const TRIGGERS: Record<string, readonly string[]> = {
  harassment: ['idiot', 'stupid', 'loser'],
  'harassment/threatening': ['i will hurt you', 'watch your back'],
  hate: ['hate'],
  illicit: ['steal', 'counterfeit', 'launder'],
  'illicit/violent': ['build a bomb', 'make a weapon'],
  'self-harm': ['hurt myself', 'self-harm'],
  'self-harm/intent': ['want to die'],
  violence: ['kill', 'attack', 'murder'],
  'violence/graphic': ['gore', 'dismember'],
};

/** A deterministic moderation result for one text: flagged categories score 0.9+, others below 0.01. */
export function simulatedModeration(text: string): Record<string, unknown> {
  const lower = text.toLowerCase();
  const categories: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  const applied: Record<string, string[]> = {};
  for (const [i, c] of MODERATION_CATEGORIES.entries()) {
    const hit = (TRIGGERS[c] ?? []).some((w) => lower.includes(w));
    categories[c] = hit;
    scores[c] = hit ? 0.9 + i / 1000 : (i + 1) / 10_000;
    applied[c] = ['text'];
  }
  return {
    flagged: Object.values(categories).some(Boolean),
    categories,
    category_scores: scores,
    category_applied_input_types: applied,
  };
}
