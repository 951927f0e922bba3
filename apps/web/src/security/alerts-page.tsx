import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Route, Routes } from 'react-router-dom';
import { securityApi } from '../api/security';
import { formatDateTime } from '../ui/format';
import { PageTitle } from '../ui/layout';
import { OrgName } from '../ui/org-name';
import { PagedTable } from '../ui/paged-table';
import { StatusTag } from '../ui/status-tag';
import { CaseDetail } from './case-detail';
import { RunDetection } from './run-detection';

const STATUSES = ['open', 'acknowledged', 'escalated', 'dismissed', 'resolved'];

function CaseList() {
  const [status, setStatus] = useState('');
  const [offset, setOffset] = useState(0);
  const cases = useQuery({
    queryKey: ['alert-cases', status, offset],
    queryFn: () => securityApi.cases({ status: status || undefined, limit: 20, offset }),
    refetchInterval: 10_000,
  });
  return (
    <>
      <PageTitle
        actions={
          <span className="row">
            <RunDetection />
            <select
              aria-label="Case status"
              value={status}
              onChange={(e) => (setStatus(e.target.value), setOffset(0))}
            >
              <option value="">All statuses</option>
              {STATUSES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </span>
        }
      >
        Alert cases
      </PageTitle>
      <PagedTable
        query={cases}
        caption="Alert cases"
        empty="No alert cases. Detectors open one when an organisation's traffic looks like distillation."
        onPage={setOffset}
        head={
          <>
            <th>Organisation</th>
            <th>Level</th>
            <th className="num">Risk</th>
            <th>Drivers</th>
            <th>Status</th>
            <th>Last detected</th>
          </>
        }
        row={(c) => (
          <tr key={c.id}>
            <td>
              <Link to={`/alerts/${c.id}`}>
                <OrgName id={c.organizationId} plain />
              </Link>
            </td>
            <td>
              <span
                className={`tag ${c.level === 'critical' || c.level === 'high' ? 'bad' : 'warn'}`}
              >
                {c.level}
              </span>
            </td>
            <td className="num">{c.riskScore.toFixed(2)}</td>
            <td>{c.drivers.join(', ').replace(/_/g, ' ')}</td>
            <td>
              <StatusTag status={c.status} />
            </td>
            <td>{formatDateTime(c.lastDetectedAt)}</td>
          </tr>
        )}
      />
    </>
  );
}

export function AlertsPage() {
  return (
    <Routes>
      <Route index element={<CaseList />} />
      <Route path=":caseId" element={<CaseDetail />} />
    </Routes>
  );
}
