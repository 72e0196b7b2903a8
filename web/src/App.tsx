/**
 * The console's routes. Every page but the login sits behind the session and inside the frame;
 * pages load lazily (each area its own chunk), so the first screen stays small.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { AppLayout } from './layout/AppLayout';
import { useSession } from './session/session';
import { useT } from './i18n/i18n';
import { common } from './i18n/common';
import LoginPage from './pages/LoginPage';

const DashboardPage = lazy(() => import('./pages/dashboard/DashboardPage'));
const MovesPage = lazy(() => import('./pages/dashboard/MovesPage'));
const PersonSearchPage = lazy(() => import('./pages/persons/PersonSearchPage'));
const PersonProfilePage = lazy(() => import('./pages/persons/PersonProfilePage'));
const HousingPage = lazy(() => import('./pages/housing/HousingPage'));
const ImportsPage = lazy(() => import('./pages/imports/ImportsPage'));
const ImportDetailPage = lazy(() => import('./pages/imports/ImportDetailPage'));
const ReviewPage = lazy(() => import('./pages/review/ReviewPage'));
const ReviewItemPage = lazy(() => import('./pages/review/ReviewItemPage'));
const StandardPage = lazy(() => import('./pages/standard/StandardPage'));
const SubscriptionsPage = lazy(() => import('./pages/subscriptions/SubscriptionsPage'));
const SubscriptionDetailPage = lazy(() => import('./pages/subscriptions/SubscriptionDetailPage'));
const ReportsPage = lazy(() => import('./pages/reports/ReportsPage'));
const AuditPage = lazy(() => import('./pages/audit/AuditPage'));
const UsersPage = lazy(() => import('./pages/users/UsersPage'));
const AccountPage = lazy(() => import('./pages/account/AccountPage'));

function Loading() {
  const t = useT(common);
  return <div style={{ padding: 64, textAlign: 'center' }}><Spin description={t('loading')} /></div>;
}

function Protected({ children }: { children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (session === undefined) return <Loading />;
  if (session === null || session.stage !== 'active') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return (
    <AppLayout>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </AppLayout>
  );
}

/** The dashboard; a resident's home is their own record, an auditor's the audit log. */
function Home() {
  const { session } = useSession();
  if (session?.user.role === 'resident' && session.user.personId) return <Navigate to={`/persons/${session.user.personId}`} replace />;
  if (session?.user.role === 'auditor') return <Navigate to="/audit" replace />;
  return <DashboardPage />;
}

function NotFound() {
  const t = useT(common);
  return <Result status="404" title="404" subTitle={t('notFound')} extra={<Button type="primary" href="/">{t('backHome')}</Button>} />;
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/" element={<Protected><Home /></Protected>} />
        <Route path="/dashboard/moves" element={<Protected><MovesPage /></Protected>} />
        <Route path="/account" element={<Protected><AccountPage /></Protected>} />
        <Route path="/persons" element={<Protected><PersonSearchPage /></Protected>} />
        <Route path="/persons/:id" element={<Protected><PersonProfilePage /></Protected>} />
        <Route path="/housing/*" element={<Protected><HousingPage /></Protected>} />
        <Route path="/imports" element={<Protected><ImportsPage /></Protected>} />
        <Route path="/imports/:id" element={<Protected><ImportDetailPage /></Protected>} />
        <Route path="/review" element={<Protected><ReviewPage /></Protected>} />
        <Route path="/review/:id" element={<Protected><ReviewItemPage /></Protected>} />
        <Route path="/standard/*" element={<Protected><StandardPage /></Protected>} />
        <Route path="/subscriptions" element={<Protected><SubscriptionsPage /></Protected>} />
        <Route path="/subscriptions/:id" element={<Protected><SubscriptionDetailPage /></Protected>} />
        <Route path="/reports/*" element={<Protected><ReportsPage /></Protected>} />
        <Route path="/audit" element={<Protected><AuditPage /></Protected>} />
        <Route path="/users" element={<Protected><UsersPage /></Protected>} />
        <Route path="*" element={<Protected><NotFound /></Protected>} />
      </Routes>
    </BrowserRouter>
  );
}
