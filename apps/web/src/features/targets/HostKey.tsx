import type { HostPreflightView, PreflightCheckView, TargetView } from '@wharf/shared';
import { useApproveHostKey } from '../../api/targets/mutations';
import { Badge } from '../../components/Badge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useI18n } from '../../i18n/useI18n';

/** The pinned host key of an SSH target, or a warning that none is approved yet. */
export function HostKeyStatus({ target }: { target: TargetView }) {
  const { t } = useI18n();
  if (target.kind !== 'ssh') return <span className="muted">—</span>;
  if (!target.hostKey) {
    return (
      <span data-testid={`host-key-${target.name}`} data-pinned="false">
        <Badge tone="warn" title={t('hostKey.notApprovedHint')}>
          {t('hostKey.notApproved')}
        </Badge>
      </span>
    );
  }
  return (
    <span
      className="mono small fingerprint"
      data-testid={`host-key-${target.name}`}
      data-pinned="true"
      title={target.hostKey.fingerprint}
    >
      {target.hostKey.fingerprint}
    </span>
  );
}

const STATUS_TONE = { passed: 'ok', failed: 'danger', skipped: 'neutral' } as const;

/** The preflight's checks in order, each passed / failed / not tried, with what was found. */
function PreflightChecks({ probe }: { probe: HostPreflightView }) {
  const { t } = useI18n();
  const failed: PreflightCheckView | undefined = probe.checks.find((c) => c.status === 'failed');
  return (
    <div data-testid="preflight" data-ok={probe.ok ? 'true' : 'false'}>
      <div className={probe.ok ? 'alert alert-info' : 'alert alert-error'} data-testid="preflight-summary">
        {probe.ok || !failed
          ? t('preflight.ok')
          : t('preflight.failedAt', { check: t(`preflight.check.${failed.name}`) })}
      </div>
      <ul className="check-list" aria-label={t('preflight.title')}>
        {probe.checks.map((c) => (
          <li key={c.name} data-testid={`preflight-check-${c.name}`} data-status={c.status}>
            <Badge tone={STATUS_TONE[c.status]}>{t(`preflight.status.${c.status}`)}</Badge>
            <span className="strong">{t(`preflight.check.${c.name}`)}</span>
            <span className={c.status === 'failed' ? 'small' : 'muted small'}>{c.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What "Test connection" found: the preflight, the host key, and for admins the button that pins it. */
export function HostKeyProbeResult({
  slug,
  target,
  probe,
  isAdmin,
  onApproved,
}: {
  slug: string;
  target: TargetView;
  probe: HostPreflightView;
  isAdmin: boolean;
  /** Runs the preflight again: with the key approved, the login and host checks can run. */
  onApproved?: () => void;
}) {
  const approve = useApproveHostKey(slug);
  const offered = probe.fingerprint;
  const approvedNow = approve.isSuccess && approve.variables.fingerprint === offered;
  const pinnedIsOffered = probe.matches === true || approvedNow;

  return (
    <div className="probe" data-testid={`host-key-probe-${target.name}`}>
      <PreflightChecks probe={probe} />
      {offered !== null && (
        <HostKeyOffer
          target={target}
          probe={probe}
          offered={offered}
          approvedNow={approvedNow}
          pinnedIsOffered={pinnedIsOffered}
          isAdmin={isAdmin}
          approving={approve.isPending}
          onApprove={() => approve.mutate({ id: target.id, fingerprint: offered }, { onSuccess: () => onApproved?.() })}
        />
      )}
      <ErrorNotice error={approve.error} testId="approve-error" />
    </div>
  );
}

/** The key the host offers, next to the approved one, and the approve button. */
function HostKeyOffer({
  target,
  probe,
  offered,
  approvedNow,
  pinnedIsOffered,
  isAdmin,
  approving,
  onApprove,
}: {
  target: TargetView;
  probe: HostPreflightView;
  offered: string;
  approvedNow: boolean;
  pinnedIsOffered: boolean;
  isAdmin: boolean;
  approving: boolean;
  onApprove: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <dl className="meta-grid">
        <div>
          <dt>{t('hostKey.host')}</dt>
          <dd className="mono">
            {probe.host}:{probe.port}
          </dd>
        </div>
        <div>
          <dt>{t('hostKey.keyType')}</dt>
          <dd className="mono" data-testid="probe-key-type">
            {probe.keyType}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('hostKey.offered')}</dt>
          <dd className="mono" data-testid="probe-fingerprint">
            {offered}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('hostKey.pinned')}</dt>
          <dd className="mono" data-testid="probe-pinned">
            {approvedNow ? offered : (probe.pinned ?? <span className="muted">{t('hostKey.none')}</span>)}
          </dd>
        </div>
      </dl>
      <div
        data-testid="probe-matches"
        data-matches={pinnedIsOffered ? 'true' : probe.matches === false ? 'false' : 'none'}
      >
        {pinnedIsOffered ? (
          <Badge tone="ok">{t('hostKey.matches')}</Badge>
        ) : probe.matches === false ? (
          <div className="alert alert-error">{t('hostKey.mismatch')}</div>
        ) : (
          <div className="alert alert-warn">{t('hostKey.unpinned')}</div>
        )}
      </div>
      {!pinnedIsOffered &&
        (isAdmin ? (
          <div className="form-actions">
            <button
              type="button"
              className={probe.matches === false ? 'btn btn-danger' : 'btn btn-primary'}
              disabled={approving}
              onClick={onApprove}
              data-testid={`approve-host-key-${target.name}`}
            >
              {approving
                ? t('common.working')
                : probe.matches === false
                  ? t('hostKey.approveChanged')
                  : t('hostKey.approve')}
            </button>
          </div>
        ) : (
          <p className="muted small" data-testid="approve-admins-only">
            {t('hostKey.adminsApprove')}
          </p>
        ))}
    </>
  );
}
