import { Navigate, type RouteObject } from 'react-router';
import { AppLayout } from './components/AppLayout';
import { RequireAdmin } from './components/RequireAdmin';
import { RequireAuth } from './components/RequireAuth';
import { AccountPasswordPage } from './pages/AccountPasswordPage';
import { ApprovalsPage } from './pages/ApprovalsPage';
import { AdminAuditPage } from './pages/admin/AdminAuditPage';
import { AdminReleasesPage } from './pages/admin/AdminReleasesPage';
import { UsersPage } from './pages/admin/UsersPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { AuditTab } from './pages/project/AuditTab';
import { CredentialsTab } from './pages/project/CredentialsTab';
import { DeploymentPage } from './pages/project/DeploymentPage';
import { DeploymentsTab } from './pages/project/DeploymentsTab';
import { EnvironmentsTab } from './pages/project/EnvironmentsTab';
import { MembersTab } from './pages/project/MembersTab';
import { MetricsTab } from './pages/project/MetricsTab';
import { NotificationsTab } from './pages/project/NotificationsTab';
import { OverviewTab } from './pages/project/OverviewTab';
import { ReleasesTab } from './pages/project/ReleasesTab';
import { TargetsTab } from './pages/project/TargetsTab';
import { TokensTab } from './pages/project/TokensTab';
import { VersionsTab } from './pages/project/VersionsTab';
import { WebhookTab } from './pages/project/WebhookTab';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';

export const routes: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  {
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/projects" replace /> },
      { path: 'projects', element: <ProjectsPage /> },
      { path: 'account/password', element: <AccountPasswordPage /> },
      { path: 'approvals', element: <ApprovalsPage /> },
      {
        path: 'projects/:slug',
        element: <ProjectPage />,
        children: [
          { index: true, element: <OverviewTab /> },
          { path: 'versions', element: <VersionsTab /> },
          { path: 'deployments', element: <DeploymentsTab /> },
          { path: 'deployments/:id', element: <DeploymentPage /> },
          { path: 'environments', element: <EnvironmentsTab /> },
          { path: 'targets', element: <TargetsTab /> },
          { path: 'credentials', element: <CredentialsTab /> },
          { path: 'tokens', element: <TokensTab /> },
          { path: 'webhook', element: <WebhookTab /> },
          { path: 'notifications', element: <NotificationsTab /> },
          { path: 'members', element: <MembersTab /> },
          { path: 'audit', element: <AuditTab /> },
          { path: 'releases', element: <ReleasesTab /> },
          { path: 'metrics', element: <MetricsTab /> },
        ],
      },
      {
        path: 'admin/users',
        element: (
          <RequireAdmin>
            <UsersPage />
          </RequireAdmin>
        ),
      },
      {
        path: 'admin/releases',
        element: (
          <RequireAdmin>
            <AdminReleasesPage />
          </RequireAdmin>
        ),
      },
      {
        path: 'admin/audit',
        element: (
          <RequireAdmin>
            <AdminAuditPage />
          </RequireAdmin>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
