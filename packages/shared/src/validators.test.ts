import { describe, expect, it } from 'vitest';
import { roleAtLeast } from './roles.js';
import { createTargetSchema } from './targets.js';
import { absolutePathSchema, gitRefSchema, slugSchema, sshFingerprintSchema, versionSchema } from './validators.js';
import { deploySettingsSchema } from './deploy-settings.js';

const hostile = ['$(id)', '`id`', '../x', '-rf', '.hidden', 'a b', 'a;b', "a'b", 'a\nb', '', 'a'.repeat(129)];

describe('versionSchema', () => {
  it('accepts ordinary versions', () => {
    for (const v of ['1.0.0', 'v2', '3f2a9c1', 'release_2024-01-02', '_x', 'a'.repeat(128)]) {
      expect(versionSchema.safeParse(v).success, v).toBe(true);
    }
  });
  it('refuses anything a shell or a path could misread', () => {
    for (const v of hostile) expect(versionSchema.safeParse(v).success, JSON.stringify(v)).toBe(false);
  });
});

describe('other validators', () => {
  it('slugs are lower-case and cannot start with "-"', () => {
    expect(slugSchema.safeParse('shop-web').success).toBe(true);
    for (const s of ['Shop', '-x', 'a/b', '$(id)', 'a'.repeat(64)])
      expect(slugSchema.safeParse(s).success, s).toBe(false);
  });
  it('git refs refuse "..", trailing "/", ".lock" and shell characters', () => {
    expect(gitRefSchema.safeParse('feature/login-2').success).toBe(true);
    for (const r of ['a..b', 'a/', 'x.lock', '$(id)', '-x', 'a b'])
      expect(gitRefSchema.safeParse(r).success, r).toBe(false);
  });
  it('absolute paths refuse "..", relative paths and metacharacters', () => {
    expect(absolutePathSchema.safeParse('/srv/app').success).toBe(true);
    for (const p of ['srv/app', '/srv/../etc', '/srv/$(id)', '/srv/a b'])
      expect(absolutePathSchema.safeParse(p).success, p).toBe(false);
  });
  it('SSH fingerprints are OpenSSH SHA256 form, unpadded, as ssh-keygen -l prints them', () => {
    expect(sshFingerprintSchema.safeParse(`SHA256:${'aZ09+/'.repeat(7)}x`).success).toBe(true);
    for (const f of [
      `SHA256:${'A'.repeat(43)}=`,
      `sha256:${'A'.repeat(43)}`,
      'A'.repeat(43),
      `SHA256:${'A'.repeat(42)}`,
      'MD5:aa',
    ])
      expect(sshFingerprintSchema.safeParse(f).success, f).toBe(false);
  });
});

describe('target configs', () => {
  it('validates the config of the chosen kind', () => {
    const ok = createTargetSchema.safeParse({
      kind: 'ssh',
      name: 'web-1',
      config: { host: '10.0.0.5', user: 'deploy', baseDir: '/srv/shop', appName: 'shop' },
    });
    expect(ok.success).toBe(true);
    if (ok.success && ok.data.kind === 'ssh') expect(ok.data.config.port).toBe(22);
    const bad = createTargetSchema.safeParse({
      kind: 'ssh',
      name: 'web-1',
      config: { host: 'h;rm', user: 'deploy', baseDir: 'rel', appName: 'x' },
    });
    expect(bad.success).toBe(false);
  });
});

describe('deploy settings', () => {
  it('fills defaults and accepts a percentage batch size', () => {
    const s = deploySettingsSchema.parse({ batchSize: '25%' });
    expect(s).toMatchObject({ batchSize: '25%', keepReleases: 5, onFailure: 'stop', installCommand: null });
    expect(deploySettingsSchema.safeParse({ batchSize: '0%' }).success).toBe(false);
  });
});

describe('roles', () => {
  it('orders viewer < deployer < maintainer', () => {
    expect(roleAtLeast('maintainer', 'deployer')).toBe(true);
    expect(roleAtLeast('deployer', 'maintainer')).toBe(false);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
  });
});
