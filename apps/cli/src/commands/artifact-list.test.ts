import { describe, expect, it } from 'vitest';
import { artifactRow, renderTable } from './artifact-list.js';

describe('artifact table', () => {
  it('aligns columns and leaves no trailing spaces', () => {
    expect(
      renderTable(
        ['A', 'BB', 'C'],
        [
          ['xxx', 'y', 'z'],
          ['', 'yyyy', ''],
        ],
      ),
    ).toBe('A    BB    C\nxxx  y     z\n     yyyy');
  });

  it('shows an artifact compactly and strips control characters from server text', () => {
    const row = artifactRow({
      id: 'id',
      version: '1.2.3',
      kind: 'tarball',
      sha256: 'a'.repeat(64),
      sizeBytes: 1_073_741_824,
      imageRef: null,
      imageDigest: null,
      hasNodeModules: true,
      gitRef: 'main',
      commitSha: '0123456789abcdef',
      commitMessage: 'Title\u001b]0;pwned\u0007\nbody',
      commitAuthor: null,
      uploadedBy: null,
      createdAt: '2026-11-28T08:40:12.345Z',
      deleted: null,
    });
    expect(row).toEqual(['1.2.3', 'tarball', '1.07 GB', 'main', '01234567', '2026-11-28 08:40Z', 'Title ]0;pwned']);
  });

  it('marks a deleted version', () => {
    const row = artifactRow({
      id: 'id',
      version: '1.2.3',
      kind: 'tarball',
      sha256: 'a'.repeat(64),
      sizeBytes: 1024,
      imageRef: null,
      imageDigest: null,
      hasNodeModules: false,
      gitRef: null,
      commitSha: null,
      commitMessage: null,
      commitAuthor: null,
      uploadedBy: null,
      createdAt: '2026-11-28T08:40:12.345Z',
      deleted: { at: '2026-11-29T08:00:00.000Z', by: null, reason: 'retention' },
    });
    expect(row.slice(0, 3)).toEqual(['1.2.3 (deleted)', 'tarball', '-']);
  });
});
