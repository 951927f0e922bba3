import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { catalogApi, type RuleInput, type UnlockRule } from '../api/catalog';
import { ErrorBox, Notice } from '../ui/feedback';
import { dollarsToMicros, formatDateTime, formatMicros } from '../ui/format';
import { UnlockRuleImpact } from './unlock-rule-impact';

const dollars = (micros: string) => formatMicros(micros).replace(/^\$/, '').replace(/,/g, '');

/**
 * A tier's unlock rule, edited as data; every save needs a reason and is a new version (409 if
 * stale), effective now or at a chosen time, optionally grandfathering organisations with active
 * contracts. The impact (who gains or loses access) is shown before saving.
 */
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
    /** `datetime-local`, read as UTC; empty: at once. */
    effectiveAt: '',
    grandfather: false,
  });
  const [invalid, setInvalid] = useState<string | null>(null);
  const [scheduled, setScheduled] = useState<string | null>(null);
  const terms = useMemo((): RuleInput | null => {
    const minQualifyingSpendMicros = dollarsToMicros(f.minSpend);
    const dualApprovalAboveMicros = dollarsToMicros(f.dualAbove);
    if (!minQualifyingSpendMicros || !dualApprovalAboveMicros) return null;
    return {
      requiresContract: f.requiresContract,
      minQualifyingSpendMicros,
      spendWindowDays: Number(f.spendWindowDays),
      requiresVerified: f.requiresVerified,
      requiresNotSuspended: f.requiresNotSuspended,
      minAccountAgeDays: Number(f.minAccountAgeDays),
      dualApprovalAboveMicros,
      grandfatherActiveContracts: f.grandfather,
    };
  }, [f]);
  const changed =
    terms !== null &&
    (terms.minQualifyingSpendMicros !== rule.minQualifyingSpendMicros ||
      terms.spendWindowDays !== rule.spendWindowDays ||
      terms.minAccountAgeDays !== rule.minAccountAgeDays ||
      terms.requiresContract !== rule.requiresContract ||
      terms.requiresVerified !== rule.requiresVerified ||
      terms.requiresNotSuspended !== rule.requiresNotSuspended);
  const save = useMutation({
    mutationFn: () =>
      catalogApi.putRule(rule.tier, {
        ...terms!,
        ...(f.effectiveAt ? { effectiveAt: new Date(`${f.effectiveAt}:00Z`).toISOString() } : {}),
        reason: f.reason,
        expectedVersion: rule.version,
      }),
    onSuccess: (saved) => {
      setScheduled(saved.change.appliedAt ? null : saved.change.effectiveAt);
      return client.invalidateQueries({ queryKey: ['unlock-rules'] });
    },
  });
  const text = (
    k:
      'minSpend' | 'spendWindowDays' | 'minAccountAgeDays' | 'dualAbove' | 'reason' | 'effectiveAt',
  ) => ({
    value: f[k],
    onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }),
  });
  const check = (
    k: 'requiresContract' | 'requiresVerified' | 'requiresNotSuspended' | 'grandfather',
  ) => ({
    checked: f[k],
    onChange: (e: { target: { checked: boolean } }) => setF({ ...f, [k]: e.target.checked }),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!terms) return setInvalid('Amounts must be in USD, e.g. 1000 or 1000.50');
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
      <div className="row">
        <label>
          Takes effect (UTC; empty: at once)
          <input type="datetime-local" {...text('effectiveAt')} />
        </label>
        <label className="inline">
          <input type="checkbox" {...check('grandfather')} /> Organisations with an active contract
          keep access until their term ends
        </label>
      </div>
      <UnlockRuleImpact tier={rule.tier} input={changed ? terms : null} />
      <label>
        Reason for the change
        <input required maxLength={2000} {...text('reason')} />
      </label>
      {scheduled && <Notice>Saved; takes effect {formatDateTime(scheduled)}.</Notice>}
      <ErrorBox error={invalid ?? save.error} />
      <div>
        <button type="submit" disabled={save.isPending}>
          Save rule
        </button>
      </div>
    </form>
  );
}
