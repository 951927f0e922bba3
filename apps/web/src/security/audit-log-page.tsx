import { PageTitle } from '../ui/layout';
import { AuditSearch } from './audit-search';

export function AuditLogPage() {
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <AuditSearch />
    </>
  );
}
