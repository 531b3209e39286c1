import { useEnvironments } from '../../api/environments/queries';
import { Section } from '../../components/Section';
import { useProjectContext } from '../../features/projects/project-context';
import { ReleaseReview } from '../../features/releases/ReleaseReview';
import { useI18n } from '../../i18n/useI18n';

export function ReleasesTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  const environments = useEnvironments(project.slug);
  return (
    <Section title={t('tab.releases')}>
      <p className="muted small">{t('releases.intro')}</p>
      <ReleaseReview slug={project.slug} environments={environments.data ?? []} />
    </Section>
  );
}
