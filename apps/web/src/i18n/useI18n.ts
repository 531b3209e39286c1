import { useContext } from 'react';
import { I18nContext, type I18n } from './i18n-context';

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n must be used inside <I18nProvider>');
  return ctx;
}
