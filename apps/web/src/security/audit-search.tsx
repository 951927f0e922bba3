import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { AUDIT_FLAGS, auditApi, type AuditFilters } from '../api/audit';
import { Can } from '../auth/auth-context';
import { downloadBlob } from '../ui/download';
import { ErrorBox } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { OrgName, OrgPicker } from '../ui/org-name';
import { PagedTable } from '../ui/paged-table';

const LIMIT = 25;

/** Search the audit log (scoped by the API to what the caller may read), page through it, export it. */
export function AuditSearch({
  fixed = {},
  showOrg = true,
}: {
  fixed?: AuditFilters;
  showOrg?: boolean;
}) {
  // ?org=<id> opens the log on one organisation's calls (the pivot from an alert case or org page)
  const [params] = useSearchParams();
  const initial: AuditFilters = showOrg ? { organizationId: params.get('org') ?? undefined } : {};
  const [draft, setDraft] = useState<AuditFilters>(initial);
  const [filters, setFilters] = useState<AuditFilters>(initial);
  const [offset, setOffset] = useState(0);
  const applied = { ...filters, ...fixed };
  const records = useQuery({
    queryKey: ['audit-records', applied, offset],
    queryFn: () => auditApi.records(applied, LIMIT, offset),
  });
  const exporter = useMutation({
    mutationFn: (format: 'csv' | 'jsonl') => auditApi.export(applied, format),
    onSuccess: ({ blob, filename }) => downloadBlob(blob, filename),
  });
  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value || undefined });
  function submit(e: FormEvent) {
    e.preventDefault();
    const toIso = (d?: string) => (d ? new Date(`${d}T00:00:00Z`).toISOString() : undefined);
    setFilters({ ...draft, from: toIso(draft.from), to: toIso(draft.to) });
    setOffset(0);
  }
  return (
    <>
      <form className="card row" onSubmit={submit} aria-label="Search the audit log">
        {showOrg && (
          <OrgPicker
            value={draft.organizationId}
            onChange={(organizationId) => setDraft({ ...draft, organizationId })}
          />
        )}
        <label>
          Kind
          <select
            aria-label="Kind"
            value={draft.kind ?? ''}
            onChange={set('kind')}
            disabled={Boolean(fixed.kind)}
          >
            <option value="">any</option>
            <option value="premium_call">premium call</option>
            <option value="admin_action">admin action</option>
          </select>
        </label>
        <label>
          Model
          <input value={draft.modelSlug ?? ''} onChange={set('modelSlug')} size={14} />
        </label>
        <label>
          Flag
          <select aria-label="Flag" value={draft.flags ?? ''} onChange={set('flags')}>
            <option value="">any</option>
            {AUDIT_FLAGS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <label>
          From (UTC)
          <input type="date" value={draft.from ?? ''} onChange={set('from')} />
        </label>
        <label>
          To (UTC, exclusive)
          <input type="date" value={draft.to ?? ''} onChange={set('to')} />
        </label>
        <button type="submit">Search</button>
        <Can I="export" a="AuditRecord">
          <button
            type="button"
            className="secondary"
            onClick={() => exporter.mutate('csv')}
            disabled={exporter.isPending}
          >
            Export CSV
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => exporter.mutate('jsonl')}
            disabled={exporter.isPending}
          >
            Export JSON lines
          </button>
        </Can>
      </form>
      <ErrorBox error={exporter.error} />
      <PagedTable
        query={records}
        caption="Audit records"
        empty="No audit records match."
        onPage={setOffset}
        head={
          <>
            <th className="num">#</th>
            <th>When (UTC)</th>
            {showOrg && <th>Organisation</th>}
            <th>What</th>
            <th className="num">Tokens in/out</th>
            <th>Flags</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </>
        }
        row={(r) => (
          <tr key={r.seq}>
            <td className="num">{r.seq}</td>
            <td>{formatDateTime(r.occurredAt)}</td>
            {showOrg && <td>{r.organizationId ? <OrgName id={r.organizationId} /> : '—'}</td>}
            <td>
              {r.kind === 'premium_call' ? (
                <>
                  {r.modelSlug}{' '}
                  <span className={`tag ${r.status === 'succeeded' ? 'good' : 'bad'}`}>
                    {r.status}
                  </span>
                </>
              ) : (
                <>
                  {r.action} {r.reason && <span className="muted">“{r.reason}”</span>}
                </>
              )}
            </td>
            <td className="num">
              {r.kind === 'premium_call' ? `${r.inputTokens ?? 0} / ${r.outputTokens ?? 0}` : ''}
            </td>
            <td>{(r.flags ?? []).join(', ')}</td>
            <td>
              <Link to={`/integrity?seq=${r.seq}`} aria-label={`Verify record ${r.seq}`}>
                Verify
              </Link>
            </td>
          </tr>
        )}
      />
    </>
  );
}
