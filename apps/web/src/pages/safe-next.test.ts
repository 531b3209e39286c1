import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next';

const ORIGIN = 'https://wharf.example.com';

describe('safeNext (post-login ?next=)', () => {
  it('keeps paths of this app, with their query and hash', () => {
    for (const next of ['/projects', '/projects/shop/deployments/1?tab=logs#l20', '/%2F%2Fnot-a-host'])
      expect(safeNext(next, ORIGIN)).toBe(next);
  });

  it('refuses every form a browser resolves to another site', () => {
    const offSite = [
      '//evil.example.com',
      '/\\evil.example.com',
      '/\\/evil.example.com',
      '\\\\evil.example.com',
      '/\t/evil.example.com',
      '/\n/evil.example.com',
      '/\r/evil.example.com',
      ' //evil.example.com',
      'https://evil.example.com',
      'javascript:alert(1)',
      'evil.example.com',
    ];
    for (const next of offSite) {
      // The check below is what the browser does with it: each one really leaves the site
      // (or is not a path at all).
      expect(safeNext(next, ORIGIN), JSON.stringify(next)).toBe('/projects');
    }
    expect(new URL('/\\evil.example.com', ORIGIN).host).toBe('evil.example.com');
    expect(new URL('/\t/evil.example.com', ORIGIN).host).toBe('evil.example.com');
  });

  it('falls back when there is no ?next=', () => {
    expect(safeNext(null, ORIGIN)).toBe('/projects');
    expect(safeNext('', ORIGIN)).toBe('/projects');
  });
});
