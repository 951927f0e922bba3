import { formatMicros, percent } from './format';

/** Spend towards a target, as a labelled progressbar with the exact numbers beside it. */
export function MoneyProgress({
  label,
  value,
  target,
  caption = label,
}: {
  /** The progressbar's accessible name. */
  label: string;
  value: string;
  target: string;
  /** The visible text, when shorter than the accessible name. */
  caption?: string;
}) {
  const pct = percent(value, target);
  return (
    <div className="progress-row">
      <div className="progress-label">
        <span>{caption}</span>
        <span>
          {formatMicros(value)} of {formatMicros(target)} ({pct.toFixed(1)}%)
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
        className="bar"
      >
        <div className="bar-fill" style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
