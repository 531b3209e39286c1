import { useWebhookSettings } from '../../api/webhooks/queries';
import { QueryView } from '../../components/QueryView';
import { Section } from '../../components/Section';
import { useProjectContext } from '../../features/projects/project-context';
import { AutoDeployRules } from '../../features/webhooks/AutoDeployRules';
import { DeliveriesTable } from '../../features/webhooks/DeliveriesTable';
import { WebhookEndpoint } from '../../features/webhooks/WebhookEndpoint';
import { useI18n } from '../../i18n/useI18n';

/** /projects/:slug/webhook — the GitLab endpoint, auto-deploy rules, and every delivery. */
export function WebhookTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const settings = useWebhookSettings(project.slug);

  return (
    <div className="stack" data-testid="webhook-tab">
      <Section title={t('webhook.title')} testId="webhook-section">
        <p className="muted">{t('webhook.help')}</p>
        <QueryView query={settings}>
          {(data) => <WebhookEndpoint slug={project.slug} settings={data} canManage={can('maintainer')} />}
        </QueryView>
      </Section>
      <Section title={t('rules.title')} testId="rules-section">
        <p className="muted">{t('rules.help')}</p>
        <AutoDeployRules slug={project.slug} canEdit={can('maintainer')} />
      </Section>
      <Section title={t('deliveries.title')} testId="deliveries-section">
        <p className="muted">{t('deliveries.help')}</p>
        <DeliveriesTable slug={project.slug} />
      </Section>
    </div>
  );
}
