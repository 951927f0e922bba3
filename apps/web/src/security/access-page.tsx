import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api/client';
import type { Organization } from '../api/types';
import type { View } from '../api/wire';
import { PageTitle } from '../ui/layout';
import { OrgName } from '../ui/org-name';
import { PagedTable } from '../ui/paged-table';
import { OrgAccessControls } from './org-access-controls';
import { SuspensionState } from './suspension-state';

function OrgAccessRow({ org }: { org: Organization }) {
  return (
    <tr>
      <td>
        <OrgName id={org.id} /> {org.verified ? '' : <span className="tag warn">unverified</span>}
      </td>
      <td>
        <SuspensionState orgId={org.id} />
      </td>
      <td>
        <OrgAccessControls org={org} />
      </td>
    </tr>
  );
}

export function AccessPage() {
  const [offset, setOffset] = useState(0);
  const orgs = useQuery({
    queryKey: ['organizations', offset],
    queryFn: () => api.get<View<'OrganizationPage'>>('/organizations', { limit: 20, offset }),
  });
  return (
    <>
      <PageTitle>Access control</PageTitle>
      <PagedTable
        query={orgs}
        caption="Organisations and their premium access"
        empty="No organisations."
        onPage={setOffset}
        head={
          <>
            <th>Organisation</th>
            <th>Premium access</th>
            <th>Action</th>
          </>
        }
        row={(o) => <OrgAccessRow key={o.id} org={o} />}
      />
    </>
  );
}
