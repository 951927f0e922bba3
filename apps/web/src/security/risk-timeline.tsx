import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { RiskScore } from '../api/security';
import { Empty } from '../ui/feedback';

const COLORS = ['#6b2146', '#3d5a99', '#a15c00', '#1d7a4c', '#7a3db3', '#b3261e'];

/** Risk over time: the organisation's score and each scored key's, one line each. */
export function RiskTimeline({
  scores,
  keyNames,
}: {
  scores: RiskScore[];
  keyNames: Record<string, string>;
}) {
  if (scores.length === 0) return <Empty>No risk scores yet.</Empty>;
  const series = new Map<string, string>();
  const byTime = new Map<string, Record<string, number | string>>();
  for (const s of [...scores].sort((a, b) => a.windowEnd.localeCompare(b.windowEnd))) {
    const name =
      s.subjectType === 'organization'
        ? 'organisation'
        : `key ${keyNames[s.apiKeyId ?? ''] ?? (s.apiKeyId ?? '').slice(0, 8)}`;
    series.set(name, name);
    const t = s.windowEnd.slice(0, 16).replace('T', ' ');
    byTime.set(t, { ...(byTime.get(t) ?? { t }), [name]: Number(s.score) });
  }
  const data = [...byTime.values()];
  return (
    <figure role="figure" aria-label="Risk timeline" style={{ margin: 0, height: 240 }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={data}
          accessibilityLayer={false}
          margin={{ top: 8, right: 12, left: 0, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#eee" />
          <XAxis dataKey="t" fontSize={11} />
          <YAxis domain={[0, 1]} fontSize={11} />
          <Tooltip formatter={(v) => Number(v).toFixed(3)} />
          <Legend />
          <ReferenceLine
            y={0.75}
            stroke="#b3261e"
            strokeDasharray="4 4"
            label={{ value: 'alert', fontSize: 10, fill: '#b3261e' }}
          />
          {[...series.keys()].map((name, i) => (
            <Line
              key={name}
              type="monotone"
              dataKey={name}
              stroke={COLORS[i % COLORS.length]}
              dot={data.length < 40}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
