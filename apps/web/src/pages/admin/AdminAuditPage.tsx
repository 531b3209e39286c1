import { useProjects } from '../../api/projects/queries';
import { PageHeader } from '../../components/PageHeader';
import { AuditTrail } from '../../features/audit/AuditTrail';
import { VerifyChain } from '../../features/audit/VerifyChain';
import { useI18n } from '../../i18n/useI18n';

export function AdminAuditPage() {
  const { t } = useI18n();
  const projects = useProjects();
  const slugs = new Map((projects.data ?? []).map((p) => [p.id, p.slug]));
  return (
    <>
      <PageHeader title={t('admin.audit.title')} subtitle={t('admin.audit.subtitle')} actions={<VerifyChain />} />
      <AuditTrail slug={null} slugOf={(id) => (id ? (slugs.get(id) ?? null) : null)} />
    </>
  );
}
