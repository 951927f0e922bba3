import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AcceptInvitationPage } from './auth/accept-invitation-page';
import { LoginPage } from './auth/login-page';
import { VerifyEmailPage } from './auth/verify-email-page';
import { useAbility, useSession } from './auth/auth-context';
import { ErrorBox, Loading } from './ui/feedback';
import { Layout } from './ui/layout';
import { navFor } from './nav';
import { DashboardPage } from './org/dashboard-page';
import { ContractsPage } from './org/contracts-page';
import { ApiKeysPage } from './org/api-keys-page';
import { MembersPage } from './org/members-page';
import { AuditRecordsPage } from './org/audit-records-page';
import { ReviewsPage } from './manager/reviews-page';
import { AccountsPage } from './manager/accounts-page';
import { AlertsPage } from './security/alerts-page';
import { AuditLogPage } from './security/audit-log-page';
import { IntegrityPage } from './security/integrity-page';
import { ProvenancePage } from './security/provenance-page';
import { AccessPage } from './security/access-page';
import { CatalogPage } from './platform/catalog-page';
import { UnlockRulesPage } from './platform/unlock-rules-page';
import { StaffPage } from './platform/staff-page';

export function App() {
  const { signedIn, loading, me, restoring } = useSession();
  const ability = useAbility();
  const { pathname } = useLocation();
  // the confirmation link works signed in or not (it may open in another browser)
  if (pathname === '/verify-email') return <VerifyEmailPage />;
  if (!signedIn && restoring) return <Loading what="Restoring your session" />;
  if (!signedIn) return pathname === '/accept' ? <AcceptInvitationPage /> : <LoginPage />;
  if (loading) return <Loading what="Signing in" />;
  if (!me) return <ErrorBox error="Could not load your profile. Sign in again." />;
  const isCustomer = Boolean(me.organization);
  const home = navFor(ability, isCustomer)[0]?.links[0]?.to ?? '/';
  return (
    <Layout>
      <Routes>
        {isCustomer ? (
          <Route path="/" element={<DashboardPage />} />
        ) : (
          <Route path="/" element={<Navigate to={home} replace />} />
        )}
        <Route path="/contracts" element={<ContractsPage />} />
        <Route path="/keys" element={<ApiKeysPage />} />
        <Route path="/members" element={<MembersPage />} />
        <Route path="/audit-records" element={<AuditRecordsPage />} />
        <Route path="/reviews" element={<ReviewsPage />} />
        <Route path="/accounts" element={<AccountsPage />} />
        <Route path="/alerts/*" element={<AlertsPage />} />
        <Route path="/audit-log" element={<AuditLogPage />} />
        <Route path="/integrity" element={<IntegrityPage />} />
        <Route path="/provenance" element={<ProvenancePage />} />
        <Route path="/access" element={<AccessPage />} />
        <Route path="/catalog" element={<CatalogPage />} />
        <Route path="/unlock-rules" element={<UnlockRulesPage />} />
        <Route path="/staff" element={<StaffPage />} />
        <Route path="*" element={<p>Page not found.</p>} />
      </Routes>
    </Layout>
  );
}
