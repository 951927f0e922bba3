import { formatMicrosExact, percent } from './format';

/**
 * Spend towards a target, as a labelled progressbar with the exact numbers beside it: never rounded
 * up, so a target not yet reached never reads as reached (99.99% shows as 99.9%, not 100.0%).
 */
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
  const shown = Math.floor(pct * 10) / 10;
  return (
    <div className="progress-row">
      <div className="progress-label">
        <span>{caption}</span>
        <span>
          {formatMicrosExact(value)} of {formatMicrosExact(target)} ({shown.toFixed(1)}%)
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
