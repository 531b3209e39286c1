import { useI18n } from '../i18n/useI18n';
import { isLocale, LOCALES } from '../i18n/locale';

const NAMES = { en: 'English', 'zh-CN': '简体中文' } as const;

export function LanguageSwitcher() {
  const { locale, setLocale, t } = useI18n();
  return (
    <select
      className="lang-select"
      aria-label={t('header.language')}
      data-testid="language-switcher"
      value={locale}
      onChange={(e) => {
        if (isLocale(e.target.value)) setLocale(e.target.value);
      }}
    >
      {LOCALES.map((l) => (
        <option key={l} value={l}>
          {NAMES[l]}
        </option>
      ))}
    </select>
  );
}
