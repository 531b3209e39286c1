// The cross-site rule, header by header.
import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from './browser-origin.js';

const own = new Set(['https://wharf.example.com']);

describe('crossSiteRefusal', () => {
  it('lets requests without browser headers through (CLI, curl, webhooks)', () => {
    expect(crossSiteRefusal({}, own)).toBeNull();
    expect(crossSiteRefusal({ 'sec-fetch-mode': 'cors', 'user-agent': 'node' }, own)).toBeNull();
  });

  it('lets its own pages through', () => {
    expect(crossSiteRefusal({ origin: 'https://wharf.example.com', 'sec-fetch-site': 'same-origin' }, own)).toBeNull();
    expect(crossSiteRefusal({ 'sec-fetch-site': 'same-origin' }, own)).toBeNull();
    expect(crossSiteRefusal({ 'sec-fetch-site': 'none' }, own)).toBeNull();
  });

  it('refuses any other Origin, including "null", another port or scheme, and look-alikes', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'http://wharf.example.com',
      'https://wharf.example.com:8443',
      'https://wharf.example.com.evil.example',
      'https://wharf.example.com, https://evil.example',
    ]) {
      expect(crossSiteRefusal({ origin }, own), origin).toMatch(/^cross-site request refused/);
    }
  });

  it('refuses what the browser itself calls same-site or cross-site, even with a matching Origin', () => {
    for (const site of ['same-site', 'cross-site', 'something-new']) {
      expect(crossSiteRefusal({ 'sec-fetch-site': site }, own), site).toMatch(/Sec-Fetch-Site/);
      expect(crossSiteRefusal({ origin: 'https://wharf.example.com', 'sec-fetch-site': site }, own), site).toMatch(
        /Sec-Fetch-Site/,
      );
    }
  });
});
