import { isApiError } from '../api/client';
import { useI18n } from '../i18n/useI18n';

/** Inline error for a failed query or mutation, with the server's message when there is one. */
export function ErrorNotice({
  error,
  fields = [],
  onRetry,
  testId = 'error',
}: {
  error: unknown;
  /** Issue paths already shown next to a form field; others are listed here. */
  fields?: readonly string[];
  onRetry?: () => void;
  testId?: string;
}) {
  const { t } = useI18n();
  if (!error) return null;
  const message = errorMessage(error, t('error.unknown'));
  const extra = isApiError(error) ? error.issues.filter((i) => !fields.includes(i.path)) : [];
  const title = isApiError(error) ? statusTitle(error.statusCode, t) : null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      <div>
        {title && <strong>{title} </strong>}
        <span data-testid={`${testId}-message`}>{message}</span>
      </div>
      {extra.length > 0 && (
        <ul className="issue-list">
          {extra.map((i) => (
            <li key={`${i.path}:${i.message}`}>
              {i.path && <code>{i.path}</code>} {i.message}
            </li>
          ))}
        </ul>
      )}
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function errorMessage(error: unknown, fallback: string): string {
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

function statusTitle(status: number, t: ReturnType<typeof useI18n>['t']): string | null {
  switch (status) {
    case 0:
      return t('error.network');
    case 403:
      return t('error.forbidden');
    case 404:
      return t('error.notFound');
    case 409:
      return t('error.conflict');
    case 429:
      return t('error.rateLimited');
    default:
      return status >= 500 ? t('error.server') : null;
  }
}
