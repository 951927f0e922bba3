import { ramp, round3 } from '../features/minhash-similarity';
import { coefficientOfVariation, type Detector, DetectorName, quiet } from './detector';

/**
 * One organisation's traffic split evenly over many keys, each staying small: the shape of a
 * job sharded to stay under per-key limits. A team of developers also uses many keys, but their
 * use is uneven (a few heavy users, many light ones), so evenness is what scores.
 */
export const keySpreadDetector: Detector = ({ window, thresholds }) => {
  if (window.subjectType !== 'organization') return quiet(DetectorName.KeySpread, 'Applies to organisations only.');
  const counts = new Map<string, number>();
  for (const c of window.calls) counts.set(c.apiKeyId, (counts.get(c.apiKeyId) ?? 0) + 1);
  const keys = counts.size;
  if (keys < 3 || window.calls.length < thresholds.minCallsForShape) {
    return quiet(DetectorName.KeySpread, `${keys} active key(s).`, { activeKeys: keys });
  }
  const values = [...counts.values()];
  const unevenness = coefficientOfVariation(values);
  const largestShare = Math.max(...values) / window.calls.length;
  const score = ramp(keys, 4, 10) * ramp(0.8 - unevenness, 0, 0.5) * ramp(0.5 - largestShare, 0, 0.3);
  return {
    detector: DetectorName.KeySpread,
    score: round3(score),
    summary: `${keys} keys share the traffic evenly (coefficient of variation ${unevenness.toFixed(2)}, largest key ${Math.round(largestShare * 100)}%).`,
    metrics: { activeKeys: keys, callCountCv: round3(unevenness), largestKeyShare: round3(largestShare) },
    implicatedKeyIds: score > 0 ? [...counts.keys()].sort() : [],
  };
};
