// WHARF_PUBLIC_URL: an http(s) origin, defaulting to where Wharf listens; and the browser
// origins it stands for.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { acceptedOrigins } from '../security/accepted-origins.js';
import { ConfigError, loadConfig } from './app-config.js';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x',
  WHARF_SECRET_KEY: randomBytes(32).toString('base64'),
};
const publicUrl = (env: Record<string, string>) => loadConfig({ ...base, ...env }).WHARF_PUBLIC_URL;

describe('WHARF_PUBLIC_URL', () => {
  it('defaults to the address npm start prints: WHARF_HOST and WHARF_PORT, loopback for a wildcard host', () => {
    expect(publicUrl({})).toBe('http://127.0.0.1:8080');
    expect(publicUrl({ WHARF_HOST: 'localhost', WHARF_PORT: '9000' })).toBe('http://localhost:9000');
    expect(publicUrl({ WHARF_HOST: '0.0.0.0' })).toBe('http://127.0.0.1:8080');
    expect(publicUrl({ WHARF_HOST: '::' })).toBe('http://127.0.0.1:8080');
    expect(publicUrl({ WHARF_HOST: '::1' })).toBe('http://[::1]:8080');
    expect(publicUrl({ WHARF_HOST: '10.1.2.3', WHARF_PORT: '80' })).toBe('http://10.1.2.3:80');
  });

  it('is normalised to an origin (lower-case host, default port dropped, trailing slash allowed)', () => {
    expect(publicUrl({ WHARF_PUBLIC_URL: 'https://Wharf.Example.com/' })).toBe('https://wharf.example.com');
    expect(publicUrl({ WHARF_PUBLIC_URL: 'https://wharf.example.com:443' })).toBe('https://wharf.example.com');
    expect(publicUrl({ WHARF_PUBLIC_URL: ' http://10.0.0.5:8080 ' })).toBe('http://10.0.0.5:8080');
  });

  it('refuses anything that is not an http(s) origin, naming the variable', () => {
    for (const bad of [
      '',
      'wharf.example.com',
      'ftp://wharf.example.com',
      'https://wharf.example.com/wharf',
      'https://wharf.example.com/?x=1',
      'https://wharf.example.com/#x',
      'https://user:pw@wharf.example.com',
      'javascript:alert(1)',
    ]) {
      expect(() => publicUrl({ WHARF_PUBLIC_URL: bad }), bad).toThrow(ConfigError);
      expect(() => publicUrl({ WHARF_PUBLIC_URL: bad }), bad).toThrow(/WHARF_PUBLIC_URL/);
    }
  });
});

describe('acceptedOrigins', () => {
  it('is the public origin alone for a real host name or address', () => {
    expect([...acceptedOrigins('https://wharf.example.com')]).toEqual(['https://wharf.example.com']);
    expect([...acceptedOrigins('http://10.0.0.5:8080')]).toEqual(['http://10.0.0.5:8080']);
  });

  it('adds the other loopback spellings, same scheme and port, for a loopback address', () => {
    const expected = ['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080'];
    for (const url of expected) expect([...acceptedOrigins(url)].sort()).toEqual([...expected].sort());
    expect(acceptedOrigins('http://127.0.0.1:8080').has('http://localhost:8081')).toBe(false);
    expect(acceptedOrigins('http://127.0.0.1:8080').has('https://localhost:8080')).toBe(false);
  });
});
