import { describe, expect, it } from 'vitest';
import { EXIT } from './errors.js';
import { networkError, WharfHttpClient } from './http-client.js';

const errno = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('WharfHttpClient.url', () => {
  it('keeps a base path prefix and encodes the query', () => {
    const client = new WharfHttpClient({ baseUrl: new URL('https://example.com/wharf/'), token: 't' }, 1000);
    const url = client.url('/api/v1/projects/shop/artifacts/tarball', {
      version: '1.2.3',
      message: 'fix & "quote" $(id) #1',
      ref: undefined,
    });
    expect(url.pathname).toBe('/wharf/api/v1/projects/shop/artifacts/tarball');
    expect(url.searchParams.get('message')).toBe('fix & "quote" $(id) #1');
    expect(url.searchParams.has('ref')).toBe(false);
    expect(url.search).not.toContain(' ');
  });
});

describe('networkError', () => {
  const url = new URL('http://127.0.0.1:8080/api/v1/projects/shop/artifacts/tarball?version=1');

  it('names the origin only, never the path or query', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EWHATEVER']) {
      const err = networkError(errno(code), url);
      expect(err.exitCode).toBe(EXIT.network);
      expect(err.message).not.toContain('version=1');
    }
    expect(networkError(errno('ECONNREFUSED'), url).message).toBe(
      'cannot connect to http://127.0.0.1:8080: connection refused (is WHARF_URL right and the server up?)',
    );
    expect(networkError(errno('ENOTFOUND'), new URL('https://wharf.invalid')).message).toBe(
      'cannot resolve host wharf.invalid',
    );
  });

  it('explains a reset during an upload differently from one after the answer started', () => {
    expect(networkError(errno('EPIPE'), url, false, true).message).toMatch(/closed the connection during the upload/);
    expect(networkError(errno('ECONNRESET'), url, true, true).message).toMatch(/broke while reading the answer/);
    expect(networkError(errno('ECONNRESET'), url, false, false).message).toMatch(
      /closed the connection without answering/,
    );
  });

  it('points at NODE_EXTRA_CA_CERTS for TLS problems', () => {
    expect(networkError(errno('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), new URL('https://w.example')).message).toContain(
      'NODE_EXTRA_CA_CERTS',
    );
  });
});
