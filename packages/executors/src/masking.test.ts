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

  it('ignores empty, missing and very short values', () => {
    const mask = createMasker(['', undefined, null, 'a', 'ab']);
    expect(mask('a b ab')).toBe('a b ab');
  });

  it('treats regex metacharacters literally', () => {
    const mask = createMasker(['$(x).*+?']);
    expect(mask('v=$(x).*+?;')).toBe(`v=${MASK};`);
  });
});
