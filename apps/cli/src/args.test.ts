import { describe, expect, it } from 'vitest';
import { DEFAULT_LIST_LIMIT, DEFAULT_TIMEOUT_SECONDS, joinStringValues, parseInvocation } from './args.js';
import { EXIT, UsageError } from './errors.js';

const push = (...extra: string[]) => [
  'artifact',
  'push',
  'build.tgz',
  '--project',
  'shop',
  '--version',
  '1.2.3',
  ...extra,
];

function usageError(argv: string[]): UsageError {
  try {
    parseInvocation(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('parseInvocation: artifact push', () => {
  it('parses every flag and applies defaults', () => {
    const inv = parseInvocation(
      push(
        '--ref',
        'release/1.2',
        '--commit',
        'abc1234',
        '--message',
        'Fix login',
        '--author',
        'Ada',
        '--url',
        'https://w.example',
      ),
    );
    expect(inv).toEqual({
      kind: 'artifact push',
      options: {
        file: 'build.tgz',
        project: 'shop',
        version: '1.2.3',
        ref: 'release/1.2',
        commit: 'abc1234',
        message: 'Fix login',
        author: 'Ada',
        url: 'https://w.example',
        timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000,
        quiet: false,
        json: false,
      },
    });
  });

  it('accepts flags before the command words and in --flag=value form', () => {
    const inv = parseInvocation([
      '--url=http://127.0.0.1:1',
      'artifact',
      '--project=shop',
      'push',
      '--version=7',
      'f.tgz',
      '-q',
      '--json',
    ]);
    expect(inv.kind).toBe('artifact push');
    if (inv.kind !== 'artifact push') return;
    expect(inv.options).toMatchObject({
      file: 'f.tgz',
      project: 'shop',
      version: '7',
      url: 'http://127.0.0.1:1',
      quiet: true,
      json: true,
    });
  });

  it('takes a message that starts with "-" as the value (commit titles like "- fix")', () => {
    const inv = parseInvocation(push('--message', '--json is broken', '--author', '-x'));
    if (inv.kind !== 'artifact push') throw new Error(inv.kind);
    expect(inv.options.message).toBe('--json is broken');
    expect(inv.options.author).toBe('-x');
    expect(inv.options.json).toBe(false);
  });

  it('treats an empty optional value as absent (unset CI variables)', () => {
    const inv = parseInvocation(push('--ref', '', '--commit', '', '--message', ''));
    if (inv.kind !== 'artifact push') throw new Error(inv.kind);
    expect(inv.options).not.toHaveProperty('ref');
    expect(inv.options).not.toHaveProperty('commit');
    expect(inv.options).not.toHaveProperty('message');
  });

  it.each([
    [['--version', '$(id)'], /^invalid --version: version must be 1-128/],
    [['--version', '-rf'], /^invalid --version/],
    [['--version', '.hidden'], /^invalid --version/],
    [['--version', 'a'.repeat(129)], /^invalid --version/],
    [['--ref', '$(id)'], /^invalid --ref: ref may only hold/],
    [['--ref', 'a/../b'], /^invalid --ref: ref is not a valid git ref/],
    [['--ref', 'main.lock'], /^invalid --ref/],
    [['--commit', 'ABCDEF0'], /^invalid --commit: commit must be 7-64 lower-case hex/],
    [['--commit', 'abc'], /^invalid --commit/],
    [['--message', 'x'.repeat(4097)], /^invalid --message/],
    [['--project', 'Shop'], /^invalid --project: slug must be/],
    [['--project', '../x'], /^invalid --project/],
  ])('rejects %j without echoing the value', (flags, pattern) => {
    const base = { '--project': 'shop', '--version': '1.2.3' } as Record<string, string>;
    base[flags[0] as string] = flags[1] as string;
    const err = usageError(['artifact', 'push', 'f.tgz', ...Object.entries(base).flat()]);
    expect(err.exitCode).toBe(EXIT.usage);
    expect(err.message).toMatch(pattern);
    if ((flags[1] as string).length > 3) expect(err.message).not.toContain(flags[1]);
  });

  it('requires the file, --project and --version', () => {
    expect(usageError(['artifact', 'push', '--project', 'shop', '--version', '1']).message).toMatch(
      /^missing the file/,
    );
    expect(usageError(['artifact', 'push', 'f.tgz', '--version', '1']).message).toBe(
      'missing --project (e.g. --project shop)',
    );
    expect(usageError(['artifact', 'push', 'f.tgz', '--project', 'shop']).message).toBe(
      'missing --version (e.g. --version 1.2.3)',
    );
    expect(usageError(['artifact', 'push', 'f.tgz', '--project', 'shop', '--version', '']).message).toMatch(
      /^missing --version/,
    );
    expect(usageError(push('other.tgz')).message).toBe('push takes one file, got 2');
  });

  it('refuses --token in any form without repeating its value', () => {
    for (const argv of [push('--token', 'wharf_secret123'), push('--token=wharf_secret123')]) {
      const err = usageError(argv);
      expect(err.message).toMatch(/^--token is not accepted: set WHARF_TOKEN/);
      expect(err.message).not.toContain('wharf_secret123');
    }
    // After "--" it is a positional, not a flag: then it is just an extra file argument.
    expect(usageError(push('--', '--token')).message).toBe('push takes one file, got 2');
  });

  it('turns parseArgs errors into one short line', () => {
    expect(usageError(push('--tokn=abc')).message).toBe('unknown option --tokn');
    expect(usageError(push('--json=yes')).message).toBe('--json does not take a value');
    expect(usageError(push('--ref')).message).toBe('--ref needs a value');
    for (const argv of [push('--tokn=abc'), push('--ref')]) expect(usageError(argv).message).not.toContain('\n');
  });

  it('rejects a flag given twice instead of silently keeping the last', () => {
    expect(usageError(push('--version', '2')).message).toBe('--version given more than once');
  });

  it('validates --timeout', () => {
    const inv = parseInvocation(push('--timeout', '30'));
    if (inv.kind !== 'artifact push') throw new Error(inv.kind);
    expect(inv.options.timeoutMs).toBe(30_000);
    expect(usageError(push('--timeout', '0')).message).toMatch(/^--timeout must be/);
    expect(usageError(push('--timeout', '1.5')).message).toMatch(/^--timeout must be/);
  });
});

describe('parseInvocation: register-image and list', () => {
  it('builds the RegisterImageBody', () => {
    const digest = `sha256:${'0f'.repeat(32)}`;
    const inv = parseInvocation([
      'artifact',
      'register-image',
      '--project',
      'shop',
      '--version',
      '7',
      '--image',
      'registry.example.com:5000/shop/web:7',
      '--digest',
      digest,
    ]);
    expect(inv).toMatchObject({
      kind: 'artifact register-image',
      options: {
        project: 'shop',
        body: { version: '7', image: 'registry.example.com:5000/shop/web:7', digest },
        json: false,
      },
    });
  });

  it('takes an image by digest (repo@sha256:… and repo:tag@sha256:…): the digest goes apart', () => {
    const digest = `sha256:${'0f'.repeat(32)}`;
    const base = ['artifact', 'register-image', '--project', 'shop', '--version', '7'];
    expect(parseInvocation([...base, '--image', `registry.example.com:5000/shop/web@${digest}`])).toMatchObject({
      options: { body: { version: '7', image: 'registry.example.com:5000/shop/web', digest } },
    });
    expect(parseInvocation([...base, '--image', `registry.example.com/shop/web:7@${digest}`])).toMatchObject({
      options: { body: { version: '7', image: 'registry.example.com/shop/web:7', digest } },
    });
  });

  it('rejects a bad image or digest', () => {
    const base = ['artifact', 'register-image', '--project', 'shop', '--version', '7'];
    expect(usageError([...base, '--image', 'Web!']).message).toMatch(/^invalid --image: image must look like/);
    expect(usageError([...base, '--image', 'web']).message).toMatch(/^invalid --image: image needs a tag/);
    const d = `sha256:${'0f'.repeat(32)}`;
    expect(usageError([...base, '--image', 'r.example.com/web@sha256:0f']).message).toMatch(
      /^invalid --image: image must look like/,
    );
    expect(
      usageError([...base, '--image', `r.example.com/web@${d}`, '--digest', `sha256:${'1'.repeat(64)}`]).message,
    ).toBe('invalid --digest: digest differs from the one in image');
    expect(usageError([...base, '--image', 'r.example.com/web:7', '--digest', 'md5:00']).message).toMatch(
      /^invalid --digest/,
    );
    expect(usageError(base).message).toMatch(/^missing --image/);
    expect(usageError([...base, '--image', 'r.example.com/web:7', 'extra']).message).toBe(
      'unexpected argument "extra"',
    );
  });

  it('parses list with limit bounds and cursor', () => {
    expect(parseInvocation(['artifact', 'list', '--project', 'shop'])).toMatchObject({
      kind: 'artifact list',
      options: { project: 'shop', limit: DEFAULT_LIST_LIMIT, json: false },
    });
    expect(
      parseInvocation(['artifact', 'list', '--project', 'shop', '--limit', '200', '--cursor', 'abc', '--json']),
    ).toMatchObject({
      options: { limit: 200, cursor: 'abc', json: true },
    });
    for (const bad of ['0', '201', '-1', 'ten']) {
      expect(usageError(['artifact', 'list', '--project', 'shop', `--limit=${bad}`]).message).toMatch(
        /^--limit must be/,
      );
    }
  });
});

describe('parseInvocation: help and version', () => {
  it.each([
    [[], 'global'],
    [['--help'], 'global'],
    [['help'], 'global'],
    [['artifact'], 'artifact'],
    [['artifact', '--help'], 'artifact'],
    [['help', 'artifact'], 'artifact'],
    [['artifact', 'push', '--help'], 'artifact push'],
    [['artifact', 'push', '-h', '--version', '$(id)'], 'artifact push'],
    [['help', 'artifact', 'list'], 'artifact list'],
    [['artifact', 'register-image', '-h'], 'artifact register-image'],
  ])('%j shows %s help', (argv, topic) => {
    expect(parseInvocation(argv)).toEqual({ kind: 'help', topic });
  });

  it('prints the CLI version for "version" and a bare --version', () => {
    expect(parseInvocation(['version'])).toEqual({ kind: 'version' });
    expect(parseInvocation(['--version'])).toEqual({ kind: 'version' });
  });

  it('names unknown commands', () => {
    expect(usageError(['deploy']).message).toBe('unknown command "deploy"');
    expect(usageError(['artifact', 'delete']).message).toBe('unknown command "artifact delete"');
    expect(usageError(['help', 'artifact', 'nope']).message).toBe('no help for "artifact nope"');
  });
});

describe('joinStringValues', () => {
  it('joins string flags with their next word and leaves the rest alone', () => {
    expect(joinStringValues(['push', '--message', '-m', '--json', 'f', '--', '--ref', 'x'])).toEqual([
      'push',
      '--message=-m',
      '--json',
      'f',
      '--',
      '--ref',
      'x',
    ]);
    expect(joinStringValues(['--ref'])).toEqual(['--ref']);
  });
});
