import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { SpendPoint } from '../api/contracts';
import { Empty } from '../ui/feedback';
import { formatMicros, microsToNumber } from '../ui/format';

/** Daily spend; the exact amount is in the tooltip, the chart only draws it. */
export function SpendChart({
  points,
  title = 'Spend over time',
}: {
  points: SpendPoint[];
  title?: string;
}) {
  if (points.length === 0) return <Empty>No spend yet.</Empty>;
  const data = points.map((p) => ({
    day: p.day.slice(0, 10),
    total: microsToNumber(p.costMicros),
    premium: p.premiumCostMicros === undefined ? undefined : microsToNumber(p.premiumCostMicros),
    raw: p,
  }));
  const hasPremium = points.some((p) => p.premiumCostMicros !== undefined);
  return (
    <figure role="figure" aria-label={title} style={{ margin: 0, height: 240 }}>
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart
          data={data}
          accessibilityLayer={false}
          margin={{ top: 8, right: 12, left: 8, bottom: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#eee" />
          <XAxis dataKey="day" fontSize={11} />
          <YAxis fontSize={11} tickFormatter={(v: number) => `$${v.toLocaleString('en-US')}`} />
          <Tooltip
            formatter={(_v, name, item) =>
              formatMicros(
                name === 'premium'
                  ? item.payload.raw.premiumCostMicros
                  : item.payload.raw.costMicros,
              )
            }
          />
          <Legend />
          <Area
            type="monotone"
            dataKey="total"
            name="total"
            stroke="#6b2146"
            fill="#e9c6d7"
            isAnimationActive={false}
          />
          {hasPremium && (
            <Area
              type="monotone"
              dataKey="premium"
              name="premium"
              stroke="#3d5a99"
              fill="#c8d4ef"
              isAnimationActive={false}
            />
          )}
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  );
}
