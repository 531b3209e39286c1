// "Verify": walks the tamper-evident audit chain on the server and shows the first break.
import { useVerifyAudit } from '../../api/audit/queries';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useI18n } from '../../i18n/useI18n';

export function VerifyChain() {
  const { t } = useI18n();
  const verify = useVerifyAudit();
  const r = verify.data;
  return (
    <div className="verify-chain" data-testid="audit-verify">
      <button type="button" className="btn btn-small" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? t('audit.verify.running') : t('audit.verify.button')}
      </button>
      {r && r.ok && (
        <p className="alert alert-info" data-testid="audit-verify-ok">
          {t('audit.verify.ok', { checked: r.checked, legacy: r.legacyEvents })}
        </p>
      )}
      {r && !r.ok && r.problem && (
        <p className="alert alert-error" role="alert" data-testid="audit-verify-broken">
          {t(`audit.verify.${r.problem.kind}`)} {r.problem.message}
        </p>
      )}
      {verify.isError && <ErrorNotice error={verify.error} onRetry={() => verify.mutate()} />}
    </div>
  );
}
