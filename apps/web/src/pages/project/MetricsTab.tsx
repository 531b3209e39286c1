import { Section } from '../../components/Section';
import { MetricsView } from '../../features/metrics/MetricsView';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function MetricsTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  return (
    <Section title={t('tab.metrics')}>
      <MetricsView slug={project.slug} />
    </Section>
  );
}
