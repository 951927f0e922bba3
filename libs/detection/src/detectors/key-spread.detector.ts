import { ramp, round3 } from '../features/minhash-similarity';
import { coefficientOfVariation, type Detector, DetectorName, quiet } from './detector';

/** Sub-windows a key must be active in to count as a sustained stream rather than a burst. */
const SLOTS = 4;
const SUSTAINED_SLOTS = 3;
const MIN_SPAN_MS = 10 * 60_000;

/**
 * One organisation's traffic sharded evenly over many keys that each call steadily through the
 * window: a job split to stay under per-key limits. A team of developers also uses many keys, but
 * in bursts (a session, then nothing) and unevenly, so only keys active across most of the window
 * count, and evenness among them is what scores.
 */
export const keySpreadDetector: Detector = ({ window, thresholds }) => {
  if (window.subjectType !== 'organization')
    return quiet(DetectorName.KeySpread, 'Applies to organisations only.');
  // Steadiness is judged over the part of the window since the organisation's first call in it, so a
  // campaign that began ten minutes ago is not excused for having been silent before it began.
  const first = window.calls.length
    ? window.calls[0].occurredAt.getTime()
    : window.windowStart.getTime();
  const start = Math.max(window.windowStart.getTime(), first);
  const span = window.windowEnd.getTime() - start;
  if (span < MIN_SPAN_MS)
    return quiet(
      DetectorName.KeySpread,
      'The organisation has been active too briefly to judge key spread.',
    );
  const slotMs = Math.max(1, span / SLOTS);
  const perKey = new Map<string, { calls: number; slots: Set<number> }>();
  for (const c of window.calls) {
    const k = perKey.get(c.apiKeyId) ?? { calls: 0, slots: new Set<number>() };
    k.calls++;
    k.slots.add(Math.min(SLOTS - 1, Math.floor((c.occurredAt.getTime() - start) / slotMs)));
    perKey.set(c.apiKeyId, k);
  }
  const activeKeys = perKey.size;
  const sustained = [...perKey].filter(([, k]) => k.slots.size >= SUSTAINED_SLOTS);
  if (sustained.length < 3 || window.calls.length < thresholds.minCallsForShape) {
    return quiet(
      DetectorName.KeySpread,
      `${activeKeys} active key(s), ${sustained.length} calling steadily.`,
      { activeKeys, sustainedKeys: sustained.length },
    );
  }
  const counts = sustained.map(([, k]) => k.calls);
  const unevenness = coefficientOfVariation(counts);
  const sustainedShare = counts.reduce((a, b) => a + b, 0) / window.calls.length;
  const score =
    ramp(sustained.length, 4, 10) * ramp(0.8 - unevenness, 0, 0.5) * ramp(sustainedShare, 0.4, 0.8);
  return {
    detector: DetectorName.KeySpread,
    score: round3(score),
    summary: `${sustained.length} of ${activeKeys} keys call steadily through the window and share ${Math.round(sustainedShare * 100)}% of the traffic evenly (coefficient of variation ${unevenness.toFixed(2)}).`,
    metrics: {
      activeKeys,
      sustainedKeys: sustained.length,
      callCountCv: round3(unevenness),
      sustainedShare: round3(sustainedShare),
    },
    implicatedKeyIds: score > 0 ? sustained.map(([id]) => id).sort() : [],
  };
};
