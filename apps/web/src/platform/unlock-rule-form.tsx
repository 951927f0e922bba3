import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { catalogApi, type UnlockRule } from '../api/catalog';
import { ErrorBox } from '../ui/feedback';
import { dollarsToMicros, formatMicros } from '../ui/format';

const dollars = (micros: string) => formatMicros(micros).replace(/^\$/, '').replace(/,/g, '');

/** A tier's unlock rule, edited as data; every save needs a reason and is versioned (409 if stale). */
export function UnlockRuleForm({ rule }: { rule: UnlockRule }) {
  const client = useQueryClient();
  const [f, setF] = useState({
    requiresContract: rule.requiresContract,
    minSpend: dollars(rule.minQualifyingSpendMicros),
    spendWindowDays: String(rule.spendWindowDays),
    requiresVerified: rule.requiresVerified,
    requiresNotSuspended: rule.requiresNotSuspended,
    minAccountAgeDays: String(rule.minAccountAgeDays),
    dualAbove: dollars(rule.dualApprovalAboveMicros),
    reason: '',
  });
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      catalogApi.putRule(rule.tier, {
        requiresContract: f.requiresContract,
        minQualifyingSpendMicros: dollarsToMicros(f.minSpend)!,
        spendWindowDays: Number(f.spendWindowDays),
        requiresVerified: f.requiresVerified,
        requiresNotSuspended: f.requiresNotSuspended,
        minAccountAgeDays: Number(f.minAccountAgeDays),
        dualApprovalAboveMicros: dollarsToMicros(f.dualAbove)!,
        reason: f.reason,
        expectedVersion: rule.version,
      } as Partial<UnlockRule> & { reason: string }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['unlock-rules'] }),
  });
  const text = (
    k: 'minSpend' | 'spendWindowDays' | 'minAccountAgeDays' | 'dualAbove' | 'reason',
  ) => ({
    value: f[k],
    onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }),
  });
  const check = (k: 'requiresContract' | 'requiresVerified' | 'requiresNotSuspended') => ({
    checked: f[k],
    onChange: (e: { target: { checked: boolean } }) => setF({ ...f, [k]: e.target.checked }),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!dollarsToMicros(f.minSpend) || !dollarsToMicros(f.dualAbove))
      return setInvalid('Amounts must be in USD, e.g. 1000 or 1000.50');
    setInvalid(null);
    save.mutate();
  }
  return (
    <form onSubmit={submit} className="card stack" aria-label={`Unlock rule for ${rule.tier}`}>
      <h2>
        {rule.tier} <span className="muted">(version {rule.version})</span>
      </h2>
      <div className="row">
        <label className="inline">
          <input type="checkbox" {...check('requiresContract')} /> Requires an active contract
        </label>
        <label className="inline">
          <input type="checkbox" {...check('requiresVerified')} /> Requires a verified organisation
        </label>
        <label className="inline">
          <input type="checkbox" {...check('requiresNotSuspended')} /> Requires not suspended by
          security
        </label>
      </div>
      <div className="row">
        <label>
          Qualifying spend (USD, 0 = none)
          <input inputMode="decimal" {...text('minSpend')} />
        </label>
        <label>
          Spend window (days)
          <input type="number" min={1} max={3660} {...text('spendWindowDays')} />
        </label>
        <label>
          Minimum account age (days)
          <input type="number" min={0} max={3660} {...text('minAccountAgeDays')} />
        </label>
        <label>
          Four-eyes above (USD per period)
          <input inputMode="decimal" {...text('dualAbove')} />
        </label>
      </div>
      <label>
        Reason for the change
        <input required maxLength={2000} {...text('reason')} />
      </label>
      <ErrorBox error={invalid ?? save.error} />
      <div>
        <button type="submit" disabled={save.isPending}>
          Save rule
        </button>
      </div>
    </form>
  );
}
