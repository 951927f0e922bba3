import type { Dto } from '../api/wire';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { ModelTier } from '../api/catalog';
import { ErrorBox } from '../ui/feedback';
import { dollarsToMicros } from '../ui/format';
import { useFormFields } from '../ui/use-form-fields';

/** Adds a model served by the built-in simulator; other upstreams are configured through the API. */
export function AddModelForm({ tiers }: { tiers: ModelTier[] }) {
  const client = useQueryClient();
  const empty = {
    slug: '',
    displayName: '',
    tier: tiers[0]?.name ?? 'standard',
    input: '',
    output: '',
    reason: '',
  };
  const { values: f, field: set, reset } = useFormFields(empty);
  const [invalid, setInvalid] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.post('/catalog/models', {
        slug: f.slug,
        displayName: f.displayName,
        tier: f.tier,
        inputPriceMicrosPerMTok: dollarsToMicros(f.input)!, // checked in submit()
        outputPriceMicrosPerMTok: dollarsToMicros(f.output)!,
        upstream: { kind: 'simulator' },
        ...(f.reason ? { reason: f.reason } : {}),
      } satisfies Dto<'CreateModelDto'>),
    onSuccess: () => {
      reset();
      void client.invalidateQueries({ queryKey: ['catalog-models'] });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!dollarsToMicros(f.input) || !dollarsToMicros(f.output))
      return setInvalid('Prices must be amounts in USD per million tokens, e.g. 3 or 0.15');
    setInvalid(null);
    create.mutate();
  }
  return (
    <form className="card row" onSubmit={submit} aria-label="Add a model">
      <label>
        Slug
        <input
          value={f.slug}
          onChange={set('slug')}
          required
          placeholder="velvet-pro-2"
          size={14}
        />
      </label>
      <label>
        Display name
        <input value={f.displayName} onChange={set('displayName')} required size={14} />
      </label>
      <label>
        Tier
        <select aria-label="Tier" value={f.tier} onChange={set('tier')}>
          {tiers.map((t) => (
            <option key={t.name}>{t.name}</option>
          ))}
        </select>
      </label>
      <label>
        Input USD / 1M tokens
        <input inputMode="decimal" value={f.input} onChange={set('input')} required size={8} />
      </label>
      <label>
        Output USD / 1M tokens
        <input inputMode="decimal" value={f.output} onChange={set('output')} required size={8} />
      </label>
      <label>
        Reason
        <input value={f.reason} onChange={set('reason')} size={14} />
      </label>
      <button type="submit" disabled={create.isPending}>
        Add model
      </button>
      <ErrorBox error={invalid ?? create.error} />
    </form>
  );
}
