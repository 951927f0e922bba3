import { useOrgId } from '../auth/auth-context';
import { PageTitle } from '../ui/layout';
import { AuditSearch } from '../security/audit-search';

/** The organisation's own premium-call records (the API scopes the search to it as well). */
export function AuditRecordsPage() {
  const orgId = useOrgId();
  return (
    <>
      <PageTitle>Premium audit records</PageTitle>
      <p className="muted">
        Every premium call your keys made, as written to the tamper-evident audit log. Prompts and
        completions appear only as hashes.
      </p>
      <AuditSearch fixed={{ organizationId: orgId, kind: 'premium_call' }} showOrg={false} />
    </>
  );
}
