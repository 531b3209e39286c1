import { describe, expect, it } from 'vitest';
import { run } from './cli.js';
import type { CommandContext } from './commands/context.js';

function context(env: CommandContext['env'] = { url: undefined, token: undefined }) {
  const out = { stdout: '', stderr: '' };
  const ctx: CommandContext = {
    env,
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: false },
  };
  return { ctx, out };
}

describe('run', () => {
  it('prints usage errors on one line with a pointer to the right help', async () => {
    const { ctx, out } = context();
    expect(await run(['artifact', 'push', 'f.tgz', '--project', 'shop', '--version', '$(id)'], ctx)).toBe(2);
    expect(out.stderr).toMatch(/^wharf: invalid --version: .* \(see wharf artifact push --help\)\n$/);
    expect(out.stdout).toBe('');
  });

  it('exits 3 for missing configuration, before touching the file system or network', async () => {
    const { ctx, out } = context({ url: 'http://127.0.0.1:9', token: undefined });
    expect(await run(['artifact', 'list', '--project', 'shop'], ctx)).toBe(3);
    expect(out.stderr).toMatch(/^wharf: WHARF_TOKEN is not set/);
  });

  it('prints help on stdout with exit 0', async () => {
    const { ctx, out } = context();
    expect(await run(['help', 'artifact', 'list'], ctx)).toBe(0);
    expect(out.stdout).toContain('wharf artifact list --project shop --limit 1 --json');
  });
});
