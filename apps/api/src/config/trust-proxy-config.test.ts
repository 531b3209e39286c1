// WHARF_TRUST_PROXY parsing: off unless set, and never "trust everyone".
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './app-config.js';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
  WHARF_SECRET_KEY: randomBytes(32).toString('base64'),
};
const trustProxy = (value?: string) => loadConfig({ ...base, WHARF_TRUST_PROXY: value }).WHARF_TRUST_PROXY;

describe('WHARF_TRUST_PROXY', () => {
  it('is off by default and for false/0/empty', () => {
    expect(trustProxy()).toBe(false);
    for (const v of ['false', '0', '']) expect(trustProxy(v)).toBe(false);
  });

  it('takes a hop count', () => {
    expect(trustProxy('1')).toBe(1);
    expect(trustProxy('2')).toBe(2);
  });

  it('takes addresses, CIDRs and named ranges', () => {
    expect(trustProxy('loopback')).toEqual(['loopback']);
    expect(trustProxy('10.0.0.5, 192.168.0.0/16,fd00::/8 ,uniquelocal')).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      'fd00::/8',
      'uniquelocal',
    ]);
  });

  it('refuses true, names it cannot use and bad prefixes, naming the variable', () => {
    for (const v of ['true', 'yes', 'proxy.example.com', '10.0.0.0/33', '::1/129', '10.0.0.1/8/1', ',']) {
      expect(() => trustProxy(v), v).toThrow(ConfigError);
      expect(() => trustProxy(v), v).toThrow(/WHARF_TRUST_PROXY/);
    }
  });
});
