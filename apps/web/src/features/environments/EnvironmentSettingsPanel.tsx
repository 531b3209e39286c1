import type { EnvironmentView } from '@wharf/shared';
import { useDeploySettings } from '../../api/deploy-config/queries';
import { QueryView } from '../../components/QueryView';
import { useI18n } from '../../i18n/useI18n';
import { ApprovalsSection } from './ApprovalsSection';
import { DeploySettingsForm } from './DeploySettingsForm';
import { LogRetentionSection } from './LogRetentionSection';
import { PromotionSection } from './PromotionSection';
import { VariablesEditor } from './VariablesEditor';

/** Maintainers: how this environment deploys, and its variables. */
export function EnvironmentSettingsPanel({
  slug,
  env,
  onClose,
}: {
  slug: string;
  env: EnvironmentView;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const settings = useDeploySettings(slug, env.id);
  return (
    <div className="card settings-panel" data-testid="environment-settings-panel">
      <div className="section-head">
        <h2>{t('settings.title', { env: env.name })}</h2>
        <button type="button" className="btn btn-small" onClick={onClose} data-testid="environment-settings-close">
          {t('common.close')}
        </button>
      </div>
      <QueryView query={settings}>
        {(data) => <DeploySettingsForm key={env.id} slug={slug} envId={env.id} settings={data} readOnly={false} />}
      </QueryView>
      <VariablesEditor slug={slug} scope={{ kind: 'environment', envId: env.id }} />
      <LogRetentionSection key={`log-retention-${env.id}`} slug={slug} env={env} />
      <PromotionSection key={`promotion-${env.id}`} slug={slug} env={env} />
      <ApprovalsSection key={`approvals-${env.id}`} slug={slug} env={env} />
    </div>
  );
}
