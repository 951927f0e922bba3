import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import type { UsagePoint, UsageReport } from '../api/usage';
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

/** Every bucket of the range, in the API's format, so a quiet day or hour shows as an empty bar. */
function bucketsOf(r: Pick<UsageReport, 'from' | 'to' | 'granularity'>): string[] {
  const step = r.granularity === 'hour' ? 3_600_000 : 86_400_000;
  const out: string[] = [];
  const end = Date.parse(`${r.to}T00:00:00Z`) + 86_400_000;
  for (let t = Date.parse(`${r.from}T00:00:00Z`); t < end && out.length < 10_000; t += step) {
    const iso = new Date(t).toISOString();
    out.push(r.granularity === 'hour' ? iso : iso.slice(0, 10));
  }
  return out;
}

/** One bar per bucket (groups summed); every bar with a value carries it as a label, no hovering needed. */
export function UsageChart({ report, measure }: { report: UsageReport; measure: Measure }) {
  const { points } = report;
  const buckets = new Map<string, number>(bucketsOf(report).map((b) => [b, 0]));
  for (const p of points) buckets.set(p.bucket, (buckets.get(p.bucket) ?? 0) + valueOf(p, measure));
  // labels stay legible: on every bar up to 45 bars, beyond that on every n-th (the table has all)
  const every = Math.ceil(buckets.size / 45);
  const data = [...buckets].map(([bucket, value], i) => ({
    bucket: bucket.length > 10 ? `${bucket.slice(5, 10)} ${bucket.slice(11, 13)}h` : bucket,
    value,
    label: value !== 0 && i % every === 0 ? formatMeasure(value, measure) : '',
  }));
  if (points.length === 0) return <Empty>No usage in this range.</Empty>;
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
