import { PageHeader } from '../components/PageHeader';
import { ChangePasswordForm } from '../features/account/ChangePasswordForm';
import { useI18n } from '../i18n/useI18n';

export function AccountPasswordPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeader title={t('account.changePassword')} subtitle={t('account.subtitle')} />
      <ChangePasswordForm />
    </>
  );
}
