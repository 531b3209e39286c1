import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useMe } from '../api/auth/queries';
import { ErrorNotice } from './ErrorNotice';
import { Spinner } from './Spinner';

/** Renders children for a signed-in user; otherwise sends them to /login and back after. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) {
    return (
      <div className="center-page">
        <Spinner />
      </div>
    );
  }
  if (me.isError) {
    return (
      <div className="center-page">
        <ErrorNotice error={me.error} onRetry={() => void me.refetch()} />
      </div>
    );
  }
  if (!me.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
