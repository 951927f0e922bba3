import { Rng } from './random';

/**
 * Mechanical light editing, as someone laundering a copied answer would do it: a share of the
 * words each get one edit (a synonym swap, a deleted word or an inserted word, equally likely).
 */
const SYNONYMS: Record<string, string> = {
  big: 'large',
  large: 'big',
  small: 'little',
  little: 'small',
  fast: 'quick',
  quick: 'fast',
  use: 'employ',
  uses: 'employs',
  make: 'create',
  makes: 'creates',
  show: 'display',
  shows: 'displays',
  get: 'obtain',
  gets: 'obtains',
  help: 'assist',
  start: 'begin',
  end: 'finish',
  important: 'crucial',
  good: 'fine',
  bad: 'poor',
  easy: 'simple',
  simple: 'easy',
  hard: 'difficult',
  many: 'numerous',
  often: 'frequently',
  also: 'additionally',
  but: 'however',
  so: 'thus',
  because: 'since',
  first: 'initially',
  then: 'next',
  example: 'instance',
  method: 'approach',
  answer: 'response',
  result: 'outcome',
  find: 'locate',
  need: 'require',
  needs: 'requires',
  give: 'provide',
  gives: 'provides',
  change: 'modify',
  keep: 'retain',
  buy: 'purchase',
  total: 'sum',
  each: 'every',
  number: 'figure',
  value: 'amount',
  function: 'routine',
  returns: 'yields',
  list: 'array',
  check: 'verify',
};
const FILLERS = [
  'really',
  'basically',
  'actually',
  'indeed',
  'just',
  'quite',
  'simply',
  'generally',
  'clearly',
  'certainly',
];

export function editWords(text: string, share: number, seed: number): string {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (!rng.chance(share)) {
      out.push(w);
      continue;
    }
    const kind = rng.int(0, 2);
    if (kind === 0) out.push(SYNONYMS[w.toLowerCase().replace(/[^a-z]/g, '')] ?? rng.pick(FILLERS));
    else if (kind === 1) out.push(w, rng.pick(FILLERS));
    // kind 2: the word is deleted
  }
  return out.join(' ');
}
