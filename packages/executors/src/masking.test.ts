import { describe, expect, it } from 'vitest';
import { createMasker, MASK } from './masking.js';

describe('createMasker', () => {
  it('masks every occurrence of every secret', () => {
    const mask = createMasker(['hunter22', 'tok-123']);
    expect(mask('a hunter22 b hunter22 tok-123')).toBe(`a ${MASK} b ${MASK} ${MASK}`);
  });

  it('masks multi-line secrets line by line too', () => {
    const key =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nAAAAB3NzaC1lZDI1NTE5\nQUJDREVGRw==\n-----END OPENSSH PRIVATE KEY-----\n';
    const mask = createMasker([key]);
    expect(mask('leaked: AAAAB3NzaC1lZDI1NTE5')).toBe(`leaked: ${MASK}`);
    expect(mask(key)).not.toContain('QUJDREVGRw==');
  });

  it('masks the longer of overlapping secrets whole', () => {
    const mask = createMasker(['abc', 'abcdef']);
    expect(mask('xabcdefx')).toBe(`x${MASK}x`);
  });

  it('masks overlapping secrets as one, leaving no part of either', () => {
    const mask = createMasker(['abcd', 'cdef']);
    expect(mask('xabcdefx')).toBe(`x${MASK}x`);
    expect(mask('abcd cdef')).toBe(`${MASK} ${MASK}`);
  });

  it('masks overlapping occurrences of one secret, and touching ones one by one', () => {
    const mask = createMasker(['aaa', 'xyz']);
    expect(mask('aaaa b')).toBe(`${MASK} b`);
    expect(mask('xyzxyz')).toBe(`${MASK}${MASK}`);
  });

  it('looks for secrets in the original text only, never in a mask it inserted', () => {
    const mask = createMasker(['***', 'abc']);
    expect(mask('abc')).toBe(MASK);
    expect(mask('a***b')).toBe(`a${MASK}b`);
  });

  it('masks a secret split over lines (a private key) in each line it reaches', () => {
    const mask = createMasker(['first-half\nsecond-half']);
    expect(mask('first-half')).toBe(MASK);
    expect(mask('  second-half  ')).toBe(`  ${MASK}  `);
    expect(mask('first-half\nsecond-half')).toBe(MASK);
  });

  it('ignores empty, missing and very short values', () => {
    const mask = createMasker(['', undefined, null, 'a', 'ab', '  ab  ']);
    expect(mask('a b ab')).toBe('a b ab');
    expect(createMasker(['abc'])('ab')).toBe('ab');
  });

  it('treats regex metacharacters literally', () => {
    const mask = createMasker(['$(x).*+?']);
    expect(mask('v=$(x).*+?;')).toBe(`v=${MASK};`);
  });
});
