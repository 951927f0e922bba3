/** A band in at least this share of an organisation's distinct prompts (and this many) is its template's, not content. */
const TEMPLATE_SHARE = 0.1;
const TEMPLATE_MIN_PROMPTS = 3;
/** Content bands a prompt needs before "its content is new" means anything. */
const MIN_CONTENT_BANDS = 2;
/**
 * Behind a template, the share of its content bands that must be new: a band drawn mostly from the
 * template with one content row can still coincide with an earlier prompt's, while a near-duplicate
 * (Jaccard 0.8) of an earlier prompt shares about 40 % of its bands and stays "seen".
 */
const TEMPLATED_NEW_SHARE = 0.75;

/**
 * Bands the organisation's own template produces: a fixed preamble (tool descriptions, a persona, a
 * format spec) or suffix makes every prompt's MinHash share the bands drawn wholly from the template,
 * so without this every prompt after the first would look "seen" and the instructions behind it
 * would hide. Counted over distinct prompts (by band set), so a prompt re-sent often is not a template.
 */
export function templateBands(bandSets: readonly (readonly string[])[]): Set<string> {
  const distinct = new Map<string, readonly string[]>();
  for (const b of bandSets) if (b.length) distinct.set(b.join(','), b);
  const count = new Map<string, number>();
  for (const b of distinct.values())
    for (const x of new Set(b)) count.set(x, (count.get(x) ?? 0) + 1);
  const min = Math.max(TEMPLATE_MIN_PROMPTS, TEMPLATE_SHARE * distinct.size);
  return new Set([...count].filter(([, n]) => n >= min).map(([x]) => x));
}

/**
 * New to the organisation: (almost) none of the prompt's content bands (its bands minus the
 * organisation's template bands) was sent by it before. Without a template this is "no band seen before".
 */
export function novelty(
  bands: readonly string[],
  seen: readonly string[],
  template: ReadonlySet<string>,
): { novel: boolean; templated: boolean } {
  const content = bands.filter((b) => !template.has(b));
  const templated = content.length < bands.length;
  if (!templated) return { novel: bands.length > 0 && seen.length === 0, templated };
  const before = new Set(seen);
  const fresh = content.filter((b) => !before.has(b)).length;
  return {
    novel: content.length >= MIN_CONTENT_BANDS && fresh >= TEMPLATED_NEW_SHARE * content.length,
    templated,
  };
}
