import { Section } from '../../components/Section';
import { AuditTrail } from '../../features/audit/AuditTrail';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function AuditTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  return (
    <Section title={t('tab.audit')}>
      <AuditTrail slug={project.slug} slugOf={() => project.slug} />
    </Section>
  );
}
