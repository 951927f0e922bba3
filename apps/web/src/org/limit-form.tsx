import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Dto, View } from '../api/wire';
import { ErrorBox } from '../ui/feedback';
import { dollarsToMicros, formatMicrosExact } from '../ui/format';

export type LimitValues = View<'LimitValuesView'>;

const microsToDollars = (m: string | null) =>
  m === null ? '' : formatMicrosExact(m).replace(/[$,]/g, '');

/**
 * One level's limits (organisation, a team or a key): empty fields set no limit of the customer's own.
 * Keyed by its level only, not its values: the re-read after a save must not remount it (that dropped
 * the "Saved" notice the moment it appeared).
 */
export function LimitForm({
  label,
  path,
  current,
  onSaved,
}: {
  label: string;
  path: string;
  current: LimitValues | null;
  onSaved: () => void;
}) {
  const [rpm, setRpm] = useState(current?.requestsPerMinute?.toString() ?? '');
  const [tpm, setTpm] = useState(current?.tokensPerMinute?.toString() ?? '');
  const [cap, setCap] = useState(microsToDollars(current?.spendCapMicros ?? null));
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: Dto<'LimitValuesDto'>) => api.put<View<'CustomerLimitView'>>(path, body),
    onSuccess: onSaved,
  });
  const clear = useMutation({
    mutationFn: () => api.del(path),
    onSuccess: () => {
      setRpm('');
      setTpm('');
      setCap('');
      onSaved();
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const spendCapMicros = cap.trim() ? dollarsToMicros(cap) : null;
    if (cap.trim() && spendCapMicros === null) return setInvalid('The cap is an amount in USD.');
    setInvalid(null);
    save.mutate({
      requestsPerMinute: rpm.trim() ? Number(rpm) : null,
      tokensPerMinute: tpm.trim() ? Number(tpm) : null,
      spendCapMicros,
    });
  }
  return (
    <form onSubmit={submit} className="row" aria-label={`Limits of ${label}`}>
      <strong>{label}</strong>
      <label>
        Requests / min
        <input
          type="number"
          min={0}
          step={1}
          value={rpm}
          onChange={(e) => setRpm(e.target.value)}
        />
      </label>
      <label>
        Tokens / min
        <input
          type="number"
          min={0}
          step={1}
          value={tpm}
          onChange={(e) => setTpm(e.target.value)}
        />
      </label>
      <label>
        Monthly cap (USD)
        <input inputMode="decimal" value={cap} onChange={(e) => setCap(e.target.value)} />
      </label>
      <button type="submit" disabled={save.isPending}>
        Save
      </button>
      {current && (
        <button type="button" className="link" onClick={() => clear.mutate()}>
          Remove limits
        </button>
      )}
      {save.isSuccess && <span role="status">Saved</span>}
      {invalid && <p role="alert">{invalid}</p>}
      <ErrorBox error={save.error ?? clear.error} />
    </form>
  );
}
