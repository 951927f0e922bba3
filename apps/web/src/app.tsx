import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AcceptInvitationPage } from './auth/accept-invitation-page';
import { LoginPage } from './auth/login-page';
import { VerifyEmailPage } from './auth/verify-email-page';
import { useAbility, useSession } from './auth/auth-context';
import { ErrorBox, Loading } from './ui/feedback';
import { Layout } from './ui/layout';
import { navFor } from './nav';

/** One chunk per page (route-level code splitting): a person downloads the pages they open. */
const page = <K extends string>(load: () => Promise<Record<K, () => ReactNode>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

const DashboardPage = page(() => import('./org/dashboard-page'), 'DashboardPage');
const SpendPage = page(() => import('./org/spend-page'), 'SpendPage');
const AnalyticsPage = page(() => import('./org/analytics-page'), 'AnalyticsPage');
const ContractsPage = page(() => import('./org/contracts-page'), 'ContractsPage');
const ApiKeysPage = page(() => import('./org/api-keys-page'), 'ApiKeysPage');
const MembersPage = page(() => import('./org/members-page'), 'MembersPage');
const AuditRecordsPage = page(() => import('./org/audit-records-page'), 'AuditRecordsPage');
const ReviewsPage = page(() => import('./manager/reviews-page'), 'ReviewsPage');
const AccountsPage = page(() => import('./manager/accounts-page'), 'AccountsPage');
const AlertsPage = page(() => import('./security/alerts-page'), 'AlertsPage');
const AuditLogPage = page(() => import('./security/audit-log-page'), 'AuditLogPage');
const IntegrityPage = page(() => import('./security/integrity-page'), 'IntegrityPage');
const IntegrityReceiptsPage = page(
  () => import('./security/integrity-receipts-page'),
  'IntegrityReceiptsPage',
);
const ProvenancePage = page(() => import('./security/provenance-page'), 'ProvenancePage');
const OrganizationPage = page(() => import('./security/organization-page'), 'OrganizationPage');
const AccessPage = page(() => import('./security/access-page'), 'AccessPage');
const CatalogPage = page(() => import('./platform/catalog-page'), 'CatalogPage');
const UnlockRulesPage = page(() => import('./platform/unlock-rules-page'), 'UnlockRulesPage');
const StaffPage = page(() => import('./platform/staff-page'), 'StaffPage');
const SsoSettingsPage = page(() => import('./org/sso-settings-page'), 'SsoSettingsPage');
const TeamsPage = page(() => import('./org/teams-page'), 'TeamsPage');

export function App() {
  const { signedIn, loading, me, meError, retryMe, restoring } = useSession();
  const ability = useAbility();
  const { pathname, state } = useLocation();
  // the confirmation link works signed in or not (it may open in another browser)
  if (pathname === '/verify-email') return <VerifyEmailPage />;
  if (!signedIn && restoring) return <Loading what="Restoring your session" />;
  if (!signedIn) return pathname === '/accept' ? <AcceptInvitationPage /> : <LoginPage />;
  if (loading) return <Loading what="Signing in" />;
  if (!me)
    return (
      <main className="login">
        <ErrorBox what="your profile" error={meError} onRetry={retryMe} />
      </main>
    );
  const isCustomer = Boolean(me.organization);
  const home = navFor(ability, isCustomer)[0]?.links[0]?.to ?? '/';
  return (
    <Layout>
      <Suspense fallback={<Loading what="Loading the page" />}>
        <Routes>
          {/* a member who may not read spend has no dashboard: their home is the first page they may open */}
          {isCustomer && home === '/' ? (
            <Route path="/" element={<DashboardPage />} />
          ) : (
            <Route path="/" element={<Navigate to={home} replace state={state} />} />
          )}
          <Route path="/accept" element={<Navigate to="/" replace />} />
          <Route path="/spend" element={<SpendPage />} />
          <Route path="/analytics" element={<AnalyticsPage />} />
          <Route path="/contracts" element={<ContractsPage />} />
          <Route path="/keys" element={<ApiKeysPage />} />
          <Route path="/members" element={<MembersPage />} />
          <Route path="/audit-records" element={<AuditRecordsPage />} />
          <Route path="/reviews" element={<ReviewsPage />} />
          <Route path="/accounts" element={<AccountsPage />} />
          <Route path="/alerts/*" element={<AlertsPage />} />
          <Route path="/audit-log" element={<AuditLogPage />} />
          <Route path="/integrity" element={<IntegrityPage />} />
          <Route path="/receipts" element={<IntegrityReceiptsPage />} />
          <Route path="/provenance" element={<ProvenancePage />} />
          <Route path="/access" element={<AccessPage />} />
          <Route path="/organizations/:orgId" element={<OrganizationPage />} />
          <Route path="/catalog" element={<CatalogPage />} />
          <Route path="/unlock-rules" element={<UnlockRulesPage />} />
          <Route path="/staff" element={<StaffPage />} />
          <Route path="/sso" element={<SsoSettingsPage />} />
          <Route path="/teams" element={<TeamsPage />} />
          <Route path="*" element={<p>Page not found.</p>} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
