import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { catalogApi, type RuleInput, type UnlockRule } from '../api/catalog';
import { ConfirmDialog } from '../ui/confirm-button';
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
  const confirmDialog = useRef<HTMLDialogElement>(null);
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
    confirmDialog.current?.showModal();
  }
  const diff = terms ? ruleDiff(rule, terms) : [];
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
      <ConfirmDialog
        dialog={confirmDialog}
        className=""
        title={`Change the ${rule.tier} unlock rule?`}
        confirmLabel="Save rule"
        onConfirm={() => save.mutate()}
        details={
          <>
            {diff.length ? (
              <ul>
                {diff.map(([what, from, to]) => (
                  <li key={what}>
                    {what}: {from} → <strong>{to}</strong>
                  </li>
                ))}
              </ul>
            ) : (
              <p>No condition changes (a new version with the same terms).</p>
            )}
            <p>
              Takes effect {f.effectiveAt ? `${f.effectiveAt.replace('T', ' ')} UTC` : 'at once'}
              {f.grandfather
                ? '; organisations with an active contract keep access until their term ends'
                : ''}
              . Organisations gaining or losing access are listed under the form.
            </p>
            <p>Reason recorded: “{f.reason.trim()}”</p>
          </>
        }
      />
    </form>
  );
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/** The conditions this save changes, as [what, before, after], for the confirmation. */
function ruleDiff(rule: UnlockRule, input: RuleInput): [string, string, string][] {
  const t = { ...rule, ...input };
  const rows: [string, string, string][] = [
    ['Requires an active contract', yesNo(rule.requiresContract), yesNo(t.requiresContract)],
    [
      'Qualifying spend',
      formatMicros(rule.minQualifyingSpendMicros),
      formatMicros(t.minQualifyingSpendMicros),
    ],
    ['Spend window', `${rule.spendWindowDays} days`, `${t.spendWindowDays} days`],
    ['Requires a verified organisation', yesNo(rule.requiresVerified), yesNo(t.requiresVerified)],
    ['Requires not suspended', yesNo(rule.requiresNotSuspended), yesNo(t.requiresNotSuspended)],
    ['Minimum account age', `${rule.minAccountAgeDays} days`, `${t.minAccountAgeDays} days`],
    [
      'Four-eyes above',
      formatMicros(rule.dualApprovalAboveMicros),
      formatMicros(t.dualApprovalAboveMicros),
    ],
  ];
  return rows.filter(([, from, to]) => from !== to);
}
