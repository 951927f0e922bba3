import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { contractsApi, type Contract } from '../api/contracts';
import { ErrorBox } from '../ui/feedback';
import { dollarsToMicros, formatMicros } from '../ui/format';
import { useFormFields } from '../ui/use-form-fields';
import { OverlappingContracts, overlapsOf } from './overlapping-contracts';

const today = () => new Date().toISOString().slice(0, 10);
const inAYear = () => {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
};

/** Request a contract (or amend one returned for changes): tier, minimum spend per period, term. */
export function ContractRequestForm({
  orgId,
  tiers,
  amend,
  onDone,
}: {
  orgId: string;
  tiers: string[];
  amend?: Contract;
  onDone?(): void;
}) {
  const client = useQueryClient();
  const { values: form, field: set } = useFormFields({
    tier: amend?.tier ?? tiers[0] ?? 'premium',
    minSpend: amend ? (BigInt(amend.minSpendMicros) / 1_000_000n).toString() : '50000',
    periodMonths: String(amend?.periodMonths ?? 3),
    termStart: amend?.termStart ?? today(),
    termEnd: amend?.termEnd ?? inAYear(),
    retentionDays: amend?.textRetentionDays ? String(amend.textRetentionDays) : '',
    notes: amend?.notes ?? '',
    /** `amendment:<id>` or `replacement:<id>`; empty for a new contract. */
    link: '',
  });
  // the organisation's existing and pending contracts, to show what the requested term overlaps
  const existing = useQuery({
    queryKey: ['contracts', orgId, 'open'],
    queryFn: () => contractsApi.list({ organizationId: orgId, limit: 100 }),
  });
  const [relation, replacesId] = form.link ? form.link.split(':') : [];
  const others = (existing.data?.items ?? []).filter((c) => c.id !== amend?.id);
  const overlaps = overlapsOf(others, form.tier, form.termStart, form.termEnd, replacesId);
  const replaceable = others.filter(
    (c) => c.tier === form.tier && (c.status === 'active' || c.status === 'approved'),
  );
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: async () => {
      const minSpendMicros = dollarsToMicros(form.minSpend)!;
      const terms = {
        tier: form.tier,
        minSpendMicros,
        periodMonths: Number(form.periodMonths),
        termStart: form.termStart,
        termEnd: form.termEnd,
        currency: 'USD',
        textRetentionDays: form.retentionDays ? Number(form.retentionDays) : null,
      };
      if (!amend)
        return contractsApi.create(orgId, {
          ...terms,
          notes: form.notes || undefined,
          submit: true,
          ...(replacesId
            ? { replacesContractId: replacesId, relation: relation as 'amendment' | 'replacement' }
            : {}),
        });
      await contractsApi.update(amend.id, {
        ...terms,
        notes: form.notes || undefined,
        expectedVersion: amend.version,
      });
      return contractsApi.submit(amend.id);
    },
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ['contracts', orgId] });
      void client.invalidateQueries({ queryKey: ['entitlements', orgId] });
      onDone?.();
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const micros = dollarsToMicros(form.minSpend);
    if (!micros || micros === '0')
      return setInvalid('Enter the minimum spend as an amount in USD, e.g. 50000 or 50000.00');
    setInvalid(null);
    save.mutate();
  }

  const micros = dollarsToMicros(form.minSpend);
  return (
    <form
      onSubmit={submit}
      className="card stack"
      aria-label={amend ? 'Amend contract request' : 'Request a contract'}
    >
      <div className="row">
        <label>
          Premium tier
          <select aria-label="Premium tier" value={form.tier} onChange={set('tier')}>
            {(tiers.length ? tiers : [form.tier]).map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Minimum spend per period (USD)
          <input inputMode="decimal" value={form.minSpend} onChange={set('minSpend')} required />
        </label>
        <label>
          Period (months)
          <input
            type="number"
            min={1}
            max={36}
            value={form.periodMonths}
            onChange={set('periodMonths')}
            required
          />
        </label>
        <label>
          Term start
          <input type="date" value={form.termStart} onChange={set('termStart')} required />
        </label>
        <label>
          Term end
          <input type="date" value={form.termEnd} onChange={set('termEnd')} required />
        </label>
        <label>
          Keep prompt and completion texts (days; empty: keep none)
          <input
            type="number"
            min={1}
            max={3650}
            value={form.retentionDays}
            onChange={set('retentionDays')}
          />
        </label>
      </div>
      {!amend && replaceable.length > 0 && (
        <label>
          This request
          <select
            aria-label="Relation to an existing contract"
            value={form.link}
            onChange={set('link')}
          >
            <option value="">is a new contract</option>
            {replaceable.map((c) => (
              <optgroup key={c.id} label={`${c.tier} ${c.status}, ${c.termStart} – ${c.termEnd}`}>
                <option value={`amendment:${c.id}`}>amends it (ends it when approved)</option>
                <option value={`replacement:${c.id}`}>replaces it (ends it when approved)</option>
              </optgroup>
            ))}
          </select>
        </label>
      )}
      <OverlappingContracts items={overlaps} title="Your existing and pending contracts" />
      <label>
        Notes for the account manager
        <textarea rows={2} value={form.notes} onChange={set('notes')} maxLength={2000} />
      </label>
      {micros && (
        <p className="muted">
          You commit to at least {formatMicros(micros)} every {form.periodMonths} month(s).
        </p>
      )}
      <ErrorBox error={invalid ?? save.error} />
      <div>
        <button type="submit" disabled={save.isPending}>
          {amend ? 'Resubmit request' : 'Submit contract request'}
        </button>
      </div>
    </form>
  );
}
