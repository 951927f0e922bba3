import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { securityApi } from '../api/security';
import { Empty, ErrorBox } from '../ui/feedback';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';

/** Paste a leaked text; find the premium completions it resembles and who received them. */
export function ProvenancePage() {
  const [text, setText] = useState('');
  const [min, setMin] = useState('0.3');
  const search = useMutation({ mutationFn: () => securityApi.provenance(text, Number(min)) });
  function submit(e: FormEvent) {
    e.preventDefault();
    search.mutate();
  }
  return (
    <>
      <PageTitle>Provenance</PageTitle>
      <form className="card stack" onSubmit={submit} aria-label="Trace a text">
        <label>
          Suspect text
          <textarea
            rows={6}
            value={text}
            onChange={(e) => setText(e.target.value)}
            required
            maxLength={100000}
          />
        </label>
        <div className="row">
          <label>
            Minimum similarity (0–1)
            <input
              type="number"
              step="0.05"
              min={0}
              max={1}
              value={min}
              onChange={(e) => setMin(e.target.value)}
            />
          </label>
          <button type="submit" disabled={search.isPending}>
            {search.isPending ? 'Searching…' : 'Trace'}
          </button>
        </div>
      </form>
      <ErrorBox error={search.error} />
      {search.data &&
        (search.data.matches.length === 0 ? (
          <Empty>
            No premium completion resembles this text ({search.data.candidatesExamined} candidates
            examined).
          </Empty>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption>
                {search.data.matches.length} match(es), {search.data.candidatesExamined} candidates
                examined
              </caption>
              <thead>
                <tr>
                  <th className="num">Similarity</th>
                  <th>Organisation</th>
                  <th>API key</th>
                  <th>Model</th>
                  <th>When (UTC)</th>
                  <th className="num">Audit #</th>
                </tr>
              </thead>
              <tbody>
                {search.data.matches.map((m) => (
                  <tr key={m.seq}>
                    <td className="num">
                      {(m.similarity * 100).toFixed(0)}%{' '}
                      {m.exact && <span className="tag bad">exact</span>}
                    </td>
                    <td>{m.organizationName ?? m.organizationId}</td>
                    <td>{m.apiKeyName ?? m.apiKeyId}</td>
                    <td>{m.modelSlug}</td>
                    <td>{formatDateTime(m.occurredAt)}</td>
                    <td className="num">{m.seq}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </>
  );
}
