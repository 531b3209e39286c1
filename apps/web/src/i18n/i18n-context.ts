import { createContext } from 'react';
import type { Locale } from './locale';
import type { MessageKey, Vars } from './translate';

export interface I18n {
  locale: Locale;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  dateTime: (iso: string) => string;
  relative: (iso: string) => string;
  bytes: (n: number) => string;
  /** Elapsed time, e.g. "2m 3s". */
  duration: (ms: number) => string;
}

export const I18nContext = createContext<I18n | null>(null);
