import type { HostKeyProbeView, TargetView } from '@wharf/shared';
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

/** What "Test connection" found, and for admins the button that pins it. */
export function HostKeyProbeResult({
  slug,
  target,
  probe,
  isAdmin,
}: {
  slug: string;
  target: TargetView;
  probe: HostKeyProbeView;
  isAdmin: boolean;
}) {
  const { t } = useI18n();
  const approve = useApproveHostKey(slug);
  const approvedNow = approve.isSuccess && approve.variables.fingerprint === probe.fingerprint;
  const pinnedIsOffered = probe.matches === true || approvedNow;

  return (
    <div className="probe" data-testid={`host-key-probe-${target.name}`}>
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
            {probe.fingerprint}
          </dd>
        </div>
        <div className="wide">
          <dt>{t('hostKey.pinned')}</dt>
          <dd className="mono" data-testid="probe-pinned">
            {approvedNow ? probe.fingerprint : (probe.pinned ?? <span className="muted">{t('hostKey.none')}</span>)}
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
              disabled={approve.isPending}
              onClick={() => approve.mutate({ id: target.id, fingerprint: probe.fingerprint })}
              data-testid={`approve-host-key-${target.name}`}
            >
              {approve.isPending
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
      <ErrorNotice error={approve.error} testId="approve-error" />
    </div>
  );
}
