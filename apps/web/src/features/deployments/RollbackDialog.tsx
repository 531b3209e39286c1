import type { EnvironmentStatusView } from '@wharf/shared';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useRollback } from '../../api/deployments/mutations';
import { useRollbackTarget } from '../../api/deployments/queries';
import { useReleaseCheck } from '../../api/release-rules/queries';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { useI18n } from '../../i18n/useI18n';
import { useProjectContext } from '../projects/project-context';
import { gateOutcome, NO_REASONS, ReleaseGatePanel, type GateReasons } from './ReleaseGatePanel';
import { VersionChange } from './VersionChange';

/** "Roll back" for one environment: the button (deployers and up) and its dialog. */
export function RollbackButton({
  env,
  className = 'btn btn-small',
}: {
  env: EnvironmentStatusView;
  className?: string;
}) {
  const { t } = useI18n();
  const { can } = useProjectContext();
  const [open, setOpen] = useState(false);
  if (!can('deployer')) return null;
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={!env.current}
        title={env.current ? undefined : t('rollback.nothing')}
        onClick={() => setOpen(true)}
        data-testid={`rollback-${env.environmentName}`}
      >
        {t('rollback.button')}
      </button>
      {open && <RollbackDialog env={env} onClose={() => setOpen(false)} />}
    </>
  );
}

function RollbackDialog({ env, onClose }: { env: EnvironmentStatusView; onClose: () => void }) {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const slug = project.slug;
  const rollback = useRollback(slug);
  const navigate = useNavigate();
  const current = env.current?.version ?? null;
  const target = useRollbackTarget(slug, env.environmentId, current, true);
  // A rollback passes the same gates (a version that ran here passes promotion; a freeze needs a reason).
  const check = useReleaseCheck(slug, target.data ? env.environmentId : undefined, target.data ?? '', true);
  const [reasons, setReasons] = useState<GateReasons>(NO_REASONS);
  const gate = gateOutcome(check.data, reasons);

  return (
    <ConfirmDialog
      title={t('rollback.title', { env: env.environmentName })}
      testId="rollback"
      variant="danger"
      confirmLabel={t('rollback.submit', { env: env.environmentName })}
      typedName={env.protected ? env.environmentName : null}
      ready={!gate.blocked}
      pending={rollback.isPending}
      error={rollback.error}
      onClose={onClose}
      onConfirm={(confirm) =>
        rollback.mutate(
          { environmentId: env.environmentId, ...gate.overrides, ...(confirm === undefined ? {} : { confirm }) },
          {
            onSuccess: (d) =>
              void navigate(`/projects/${encodeURIComponent(slug)}/deployments/${encodeURIComponent(d.id)}`),
          },
        )
      }
    >
      <p>{t('rollback.explain')}</p>
      <div className="release-change" data-testid="rollback-change">
        <span className="muted small">{env.environmentName}</span>
        <VersionChange from={current} to={target.data ?? null} testIdPrefix="rollback" />
      </div>
      {check.data && target.data && (
        <ReleaseGatePanel
          check={check.data}
          envName={env.environmentName}
          version={target.data}
          reasons={reasons}
          onReasons={setReasons}
          testIdPrefix="rollback"
        />
      )}
      {target.isSuccess && target.data === null && (
        <div className="alert alert-warn" data-testid="rollback-no-previous">
          {t('rollback.noPrevious', { env: env.environmentName })}
        </div>
      )}
      {env.protected && (
        <div className="alert alert-warn">
          {can('maintainer')
            ? t('release.protectedNote', { env: env.environmentName })
            : t('release.protectedDeployer', { env: env.environmentName })}
        </div>
      )}
    </ConfirmDialog>
  );
}
