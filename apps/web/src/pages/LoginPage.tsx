import { loginSchema } from '@wharf/shared';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useLogin } from '../api/auth/mutations';
import { useMe } from '../api/auth/queries';
import { isApiError } from '../api/client';
import { TextField } from '../components/Field';
import { LanguageSwitcher } from '../components/LanguageSwitcher';
import { useFieldErrors } from '../hooks/useFieldErrors';
import { useI18n } from '../i18n/useI18n';
import { safeNext } from './safe-next';

export function LoginPage() {
  const { t } = useI18n();
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const form = useFieldErrors(login);

  if (me.data) return <Navigate to={next} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = form.validate(loginSchema, { email, password });
    if (!body) return;
    login.mutate(body, { onSuccess: () => void navigate(next, { replace: true }) });
  };

  const err = login.error;
  const message = !err
    ? null
    : isApiError(err) && err.statusCode === 429
      ? t('login.tooManyAttempts')
      : isApiError(err) && err.statusCode === 401
        ? t('login.badCredentials')
        : isApiError(err) && err.issues.length > 0
          ? null
          : err.message;

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitcher />
      </div>
      <form className="card login-card" onSubmit={onSubmit} noValidate data-testid="login-form">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Wharf
        </div>
        <p className="muted">{t('login.subtitle')}</p>
        <TextField
          id="login-email"
          name="email"
          type="email"
          label={t('field.email')}
          value={email}
          onChange={setEmail}
          error={form.error('email')}
          autoComplete="username"
          autoFocus
          testId="login-email"
        />
        <TextField
          id="login-password"
          name="password"
          type="password"
          label={t('field.password')}
          value={password}
          onChange={setPassword}
          error={form.error('password')}
          autoComplete="current-password"
          testId="login-password"
        />
        {message && (
          <div className="alert alert-error" role="alert" data-testid="login-error">
            {message}
          </div>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-block"
          disabled={login.isPending}
          data-testid="login-submit"
        >
          {login.isPending ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
