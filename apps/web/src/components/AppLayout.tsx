import { NavLink, Outlet, useNavigate } from 'react-router';
import { useLogout } from '../api/auth/mutations';
import { useApprovalQueue } from '../api/approvals/queries';
import { useMe } from '../api/auth/queries';
import { useI18n } from '../i18n/useI18n';
import { LanguageSwitcher } from './LanguageSwitcher';

export function AppLayout() {
  const { t } = useI18n();
  const me = useMe().data;
  const waitingApprovals = useApprovalQueue().data?.length ?? 0;
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <div className="app">
      <header className="topbar">
        <NavLink to="/projects" className="brand" data-testid="brand">
          <span className="brand-mark" aria-hidden="true" />
          Wharf
        </NavLink>
        <nav className="topnav">
          <NavLink to="/projects" data-testid="nav-projects">
            {t('nav.projects')}
          </NavLink>
          <NavLink to="/approvals" data-testid="nav-approvals">
            {t('nav.approvals')}
            {waitingApprovals > 0 && (
              <span className="badge badge-info" data-testid="nav-approvals-count" style={{ marginLeft: 6 }}>
                {waitingApprovals}
              </span>
            )}
          </NavLink>
          {me?.isAdmin && (
            <>
              <NavLink to="/admin/users" data-testid="nav-users">
                {t('nav.users')}
              </NavLink>
              <NavLink to="/admin/releases" data-testid="nav-releases">
                {t('nav.releases')}
              </NavLink>
              <NavLink to="/admin/audit" data-testid="nav-audit">
                {t('nav.audit')}
              </NavLink>
            </>
          )}
        </nav>
        <div className="topbar-right">
          <LanguageSwitcher />
          {me && (
            <span className="whoami" data-testid="current-user" title={me.email}>
              {me.name || me.email}
              {me.isAdmin && <span className="badge badge-info">{t('user.admin')}</span>}
            </span>
          )}
          {me && (
            <NavLink to="/account/password" className="btn btn-small" data-testid="change-password-link">
              {t('header.changePassword')}
            </NavLink>
          )}
          <button
            type="button"
            className="btn btn-small"
            data-testid="logout-button"
            disabled={logout.isPending}
            onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}
          >
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main className="content">
        <Outlet />
      </main>
    </div>
  );
}
