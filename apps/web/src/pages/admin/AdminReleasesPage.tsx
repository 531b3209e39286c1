import { useProjects } from '../../api/projects/queries';
import { PageHeader } from '../../components/PageHeader';
import { ReleaseReview } from '../../features/releases/ReleaseReview';
import { useI18n } from '../../i18n/useI18n';

export function AdminReleasesPage() {
  const { t } = useI18n();
  const projects = useProjects();
  return (
    <>
      <PageHeader title={t('admin.releases.title')} subtitle={t('admin.releases.subtitle')} />
      <ReleaseReview slug={null} projects={(projects.data ?? []).map((p) => ({ slug: p.slug, name: p.name }))} />
    </>
  );
}
