import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_SECONDS, DEFAULT_WAIT_SECONDS, parseInvocation } from './args.js';
import { EXIT, UsageError } from './errors.js';

function usageError(argv: string[]): UsageError {
  try {
    parseInvocation(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

const release = (...extra: string[]) => [
  'release',
  '--project',
  'shop',
  '--env',
  'dev',
  '--version',
  '1.2.3',
  ...extra,
];

describe('parseInvocation: release', () => {
  it('requests without waiting unless --wait is given', () => {
    expect(parseInvocation(release())).toEqual({
      kind: 'release',
      options: {
        project: 'shop',
        env: 'dev',
        version: '1.2.3',
        waitMs: null,
        url: undefined,
        timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
      },
    });
  });

  it('waits 1800 s by default, or --timeout seconds', () => {
    const waiting = parseInvocation(release('--wait'));
    expect(waiting.kind === 'release' && waiting.options.waitMs).toBe(DEFAULT_WAIT_SECONDS * 1000);
    const bounded = parseInvocation(release('--wait', '--timeout', '90'));
    expect(bounded.kind === 'release' && bounded.options).toMatchObject({ waitMs: 90_000, timeoutMs: 90_000 });
  });

  it.each([
    [['--env', 'Prod!'], /^invalid --env/],
    [['--env', '$(id)'], /^invalid --env/],
    [['--version', '$(id)'], /^invalid --version/],
    [['--project', '../x'], /^invalid --project/],
    [['--timeout', '0'], /^--timeout must be a whole number/],
  ])('rejects %j', (flags, pattern) => {
    const values: Record<string, string> = { '--project': 'shop', '--env': 'dev', '--version': '1.2.3' };
    values[flags[0] as string] = flags[1] as string;
    const err = usageError(['release', ...Object.entries(values).flat()]);
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toMatch(pattern);
  });

  it('requires --project, --env and --version, and takes no positional arguments', () => {
    expect(usageError(['release', '--project', 'shop', '--version', '1']).message).toBe(
      'missing --env (e.g. --env dev)',
    );
    expect(usageError(['release', '--env', 'dev', '--version', '1']).message).toBe(
      'missing --project (e.g. --project shop)',
    );
    expect(usageError(['release', '--project', 'shop', '--env', 'dev']).message).toBe(
      'missing --version (e.g. --version 1.2.3)',
    );
    expect(usageError(release('extra')).message).toBe('unexpected argument "extra"');
    expect(usageError(release('--limit', '3')).message).toBe('unknown option --limit');
    expect(usageError(release('--token', 'x')).message).toMatch(/^--token is not accepted/);
  });
});

describe('parseInvocation: status', () => {
  it('parses --project and --json', () => {
    expect(parseInvocation(['status', '--project', 'shop', '--json'])).toEqual({
      kind: 'status',
      options: { project: 'shop', json: true, url: undefined, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 },
    });
    expect(usageError(['status']).message).toBe('missing --project (e.g. --project shop)');
  });

  it('has help for both commands, with the exit codes for release', () => {
    expect(parseInvocation(['release', '--help'])).toEqual({ kind: 'help', topic: 'release' });
    expect(parseInvocation(['help', 'status'])).toEqual({ kind: 'help', topic: 'status' });
  });
});
