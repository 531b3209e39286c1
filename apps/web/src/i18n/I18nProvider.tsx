import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { formatBytes, formatDateTime, formatDuration, formatRelative } from './format';
import { I18nContext, type I18n } from './i18n-context';
import { initialLocale, saveLocale, type Locale } from './locale';
import { translate } from './translate';

export function I18nProvider({ children, locale: forced }: { children: ReactNode; locale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => forced ?? initialLocale());

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    saveLocale(next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, vars) => translate(locale, key, vars),
      dateTime: (iso) => formatDateTime(locale, iso),
      relative: (iso) => formatRelative(locale, iso),
      bytes: (n) => formatBytes(locale, n),
      duration: (ms) => formatDuration(locale, ms),
    }),
    [locale, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}
