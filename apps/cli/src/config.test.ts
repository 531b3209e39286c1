import { describe, expect, it } from 'vitest';
import { isLoopback, readEnvironment, resolveBaseUrl, resolveServer, resolveToken } from './config.js';
import { CliError, EXIT } from './errors.js';

function configError(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CliError && err.exitCode === EXIT.config) return err;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('reads only WHARF_URL and WHARF_TOKEN', () => {
    expect(readEnvironment({ WHARF_URL: 'u', WHARF_TOKEN: 't', OTHER: 'x' })).toEqual({ url: 'u', token: 't' });
  });

  it('lets --url override WHARF_URL and keeps a path prefix', () => {
    const env = { url: 'https://a.example', token: 't' };
    expect(resolveBaseUrl(undefined, env).href).toBe('https://a.example/');
    expect(resolveBaseUrl('http://127.0.0.1:8080/wharf/', env).href).toBe('http://127.0.0.1:8080/wharf/');
  });

  it('rejects missing or unusable URLs with the variable or flag named', () => {
    expect(configError(() => resolveBaseUrl(undefined, { url: undefined, token: 't' })).message).toMatch(
      /^WHARF_URL is not set/,
    );
    expect(configError(() => resolveBaseUrl(undefined, { url: '  ', token: 't' })).message).toMatch(
      /^WHARF_URL is not set/,
    );
    expect(configError(() => resolveBaseUrl(undefined, { url: 'wharf.example', token: 't' })).message).toMatch(
      /^WHARF_URL is not a valid URL/,
    );
    expect(configError(() => resolveBaseUrl('ftp://x', { url: undefined, token: 't' })).message).toBe(
      '--url must start with http:// or https://',
    );
    expect(configError(() => resolveBaseUrl(undefined, { url: 'https://x/?a=1', token: 't' })).message).toMatch(
      /query string/,
    );
  });

  it('rejects credentials in the URL without echoing them', () => {
    const err = configError(() => resolveBaseUrl(undefined, { url: 'https://ci:hunter2@wharf.example', token: 't' }));
    expect(err.message).toBe('WHARF_URL must not contain a user name or password; use WHARF_TOKEN');
    expect(err.message).not.toContain('hunter2');
  });

  it('trims the token and rejects a missing or garbled one', () => {
    expect(resolveToken({ url: undefined, token: '  wharf_abc\n' })).toBe('wharf_abc');
    expect(configError(() => resolveToken({ url: undefined, token: undefined })).message).toMatch(
      /^WHARF_TOKEN is not set/,
    );
    expect(configError(() => resolveToken({ url: undefined, token: '\n' })).message).toMatch(/^WHARF_TOKEN is not set/);
    const garbled = configError(() => resolveToken({ url: undefined, token: 'wharf_a b' }));
    expect(garbled.message).not.toContain('wharf_a');
  });

  it('checks the URL before the token', () => {
    expect(configError(() => resolveServer(undefined, { url: undefined, token: undefined })).message).toMatch(
      /^WHARF_URL/,
    );
  });

  it('knows loopback hosts', () => {
    for (const u of ['http://127.0.0.1:1', 'http://127.3.2.1', 'http://localhost:8080', 'http://[::1]:9']) {
      expect(isLoopback(new URL(u))).toBe(true);
    }
    for (const u of ['http://10.0.0.1', 'http://wharf.example', 'http://128.0.0.1'])
      expect(isLoopback(new URL(u))).toBe(false);
  });
});
