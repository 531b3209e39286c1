import { en } from './en';
import { zhCN } from './zh-CN';
import type { Locale } from './locale';

export type MessageKey = keyof typeof en;
export type Dictionary = Record<MessageKey, string>;
export type Vars = Record<string, string | number>;

export const dictionaries: Record<Locale, Dictionary> = { en, 'zh-CN': zhCN };

/** Looks up `key` and fills `{name}` placeholders; falls back to English, then the key. */
export function translate(locale: Locale, key: MessageKey, vars?: Vars): string {
  const text = dictionaries[locale][key] || en[key] || key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
