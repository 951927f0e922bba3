import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import type { UsagePoint } from '../api/usage';
import { Empty } from '../ui/feedback';
import { formatMicros, microsToNumber } from '../ui/format';

export type Measure = 'cost' | 'requests' | 'tokens' | 'refusals';

const valueOf = (p: UsagePoint, m: Measure): number =>
  m === 'cost'
    ? microsToNumber(p.costMicros)
    : m === 'requests'
      ? p.requests
      : m === 'tokens'
        ? Number(BigInt(p.inputTokens) + BigInt(p.outputTokens))
        : p.refusals;

export const formatMeasure = (v: number, m: Measure) =>
  m === 'cost'
    ? formatMicros(Math.round(v * 1e6))
    : v.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** One bar per bucket (groups summed); every bar carries its value as a label, no hovering needed. */
export function UsageChart({ points, measure }: { points: UsagePoint[]; measure: Measure }) {
  const buckets = new Map<string, number>();
  for (const p of points) buckets.set(p.bucket, (buckets.get(p.bucket) ?? 0) + valueOf(p, measure));
  // labels stay legible: on every bar up to 45 bars, beyond that on every n-th (the table has all)
  const every = Math.ceil(buckets.size / 45);
  const data = [...buckets].map(([bucket, value], i) => ({
    bucket: bucket.length > 10 ? `${bucket.slice(5, 10)} ${bucket.slice(11, 13)}h` : bucket,
    value,
    label: i % every === 0 ? formatMeasure(value, measure) : '',
  }));
  if (data.length === 0) return <Empty>No usage in this range.</Empty>;
  return (
    <figure role="figure" aria-label={`Usage chart: ${measure}`} style={{ margin: 0, height: 280 }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={data}
          accessibilityLayer={false}
          margin={{ top: 22, right: 8, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#eee" />
          <XAxis dataKey="bucket" fontSize={11} />
          <YAxis fontSize={11} tickFormatter={(v: number) => formatMeasure(v, measure)} />
          <Bar dataKey="value" fill="#6b2146" isAnimationActive={false}>
            <LabelList dataKey="label" position="top" fontSize={10} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
