import { useId } from 'react';
import { useI18n } from '../i18n/useI18n';

/**
 * Protected environments: the person types the environment's name before releasing.
 * The caller keeps its submit button disabled until `confirmMatches` is true.
 */
export function ConfirmNameField({
  envName,
  value,
  onChange,
  error,
  testId,
}: {
  envName: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <div className={`field confirm-field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {t('release.typeToConfirm.before')}
        <code>{envName}</code>
        {t('release.typeToConfirm.after')}
      </label>
      <input
        id={id}
        className="mono"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        data-testid={testId}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <p className="field-error" data-testid="field-error-confirm">
          {error}
        </p>
      )}
    </div>
  );
}

export const confirmMatches = (isProtected: boolean, envName: string, typed: string) =>
  !isProtected || typed === envName;
