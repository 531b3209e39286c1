import { describe, expect, it } from 'vitest';
import { en } from './en';
import { formatBytes, formatRelative } from './format';
import { matchLocale } from './locale';
import { translate } from './translate';
import { zhCN } from './zh-CN';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dictionaries', () => {
  it('zh-CN has every English key, none empty', () => {
    const zh = zhCN as Record<string, string>;
    for (const key of Object.keys(en)) {
      expect(zh[key], `missing zh-CN key ${key}`).toBeTypeOf('string');
      expect(zh[key]!.trim(), `empty zh-CN text for ${key}`).not.toBe('');
    }
  });

  it('zh-CN has no keys English lacks', () => {
    expect(Object.keys(zhCN).filter((k) => !(k in en))).toEqual([]);
  });

  it('no English text is empty', () => {
    for (const [key, text] of Object.entries(en)) expect(text.trim(), key).not.toBe('');
  });

  it('both languages use the same placeholders for each key', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('zh-CN is actually translated (mostly different from English)', () => {
    const same = (Object.keys(en) as (keyof typeof en)[]).filter((k) => zhCN[k] === en[k]);
    // Product names like "SSH" or "Kubernetes" stay the same; most text must not.
    expect(same.length).toBeLessThan(Object.keys(en).length / 10);
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'environments.deleteConfirm', { name: 'prod' })).toBe('Delete “prod”?');
    expect(translate('zh-CN', 'environments.deleteConfirm', { name: 'prod' })).toBe('删除“prod”？');
    expect(translate('en', 'environments.deleteConfirm')).toBe('Delete “{name}”?');
  });
});

describe('locale detection', () => {
  it('maps any Chinese tag to zh-CN and everything else to English', () => {
    expect(matchLocale(['zh-TW'])).toBe('zh-CN');
    expect(matchLocale(['zh'])).toBe('zh-CN');
    expect(matchLocale(['fr-FR', 'zh-CN'])).toBe('zh-CN');
    expect(matchLocale(['en-GB', 'zh-CN'])).toBe('en');
    expect(matchLocale(['de'])).toBe('en');
    expect(matchLocale([])).toBe('en');
  });
});

describe('formatting', () => {
  it('formats relative times per locale', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    expect(formatRelative('en', '2025-06-01T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('zh-CN', '2025-06-01T09:00:00Z', now)).toBe('3小时前');
    expect(formatRelative('en', '2025-05-30T12:00:00Z', now)).toBe('2 days ago');
  });

  it('formats byte sizes with binary steps', () => {
    expect(formatBytes('en', 512)).toBe('512 byte');
    expect(formatBytes('en', 1536)).toBe('1.5 kB');
    expect(formatBytes('en', 5 * 1024 * 1024)).toBe('5 MB');
  });
});
