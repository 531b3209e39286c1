import type { ProjectRole } from '@wharf/shared';
import { useI18n } from '../i18n/useI18n';
import { Badge } from './Badge';

export function RoleBadge({ role }: { role: ProjectRole }) {
  const { t } = useI18n();
  const tone = role === 'maintainer' ? 'info' : role === 'deployer' ? 'ok' : 'neutral';
  return <Badge tone={tone}>{t(`role.${role}`)}</Badge>;
}
