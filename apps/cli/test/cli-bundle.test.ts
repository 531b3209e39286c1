// Runs the BUILT bundle (dist/wharf.mjs, copied alone into a temp dir so nothing can be
// resolved from node_modules) against a local fake of the artifact routes.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifactView, FakeWharfServer, type FakeOptions } from './fake-wharf-server.js';

const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'wharf.mjs');
const TOKEN = `wharf_${'A1b2C3d4E5'.repeat(4)}`;

let dir: string;
let cli: string;
let server: FakeWharfServer | undefined;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
  pid: number;
}

function runCli(args: string[], env: Record<string, string>, onSpawn?: (pid: number) => void): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onSpawn?.(child.pid ?? 0);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, pid: child.pid ?? 0 }));
  });
}

async function startFake(options: Partial<FakeOptions> = {}): Promise<string> {
  server = new FakeWharfServer({ token: TOKEN, tempDir: dir, ...options });
  return server.start();
}

async function randomFile(name: string, bytes: number): Promise<string> {
  const path = join(dir, name);
  const chunks: Buffer[] = [];
  for (let left = bytes; left > 0; left -= 1 << 20) chunks.push(randomBytes(Math.min(left, 1 << 20)));
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

/** A port with nothing listening: bind, note it, close. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run "pnpm --filter @wharf/cli build" first`);
  dir = await mkdtemp(join(tmpdir(), 'wharf-cli-test-'));
  cli = join(dir, 'wharf.mjs');
  copyFileSync(BUNDLE, cli);
});

afterEach(async () => {
  await server?.stop();
  server = undefined;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('wharf artifact push (bundle)', () => {
  it('streams the file intact with its sha256 and metadata, and reports progress', async () => {
    const url = await startFake();
    const file = await randomFile('build.tgz', 8 * 1024 * 1024 + 123);
    const expectedSha = createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
    const message = '- fix "quotes" & $(id) `uname` ünïcode';

    const r = await runCli(
      [
        'artifact',
        'push',
        'build.tgz',
        '--project',
        'shop',
        '--version',
        '1.2.3',
        '--ref',
        'feature/x',
        '--commit',
        'abc1234def',
        '--message',
        message,
        '--author',
        'Ada Lovelace',
      ],
      { WHARF_URL: url, WHARF_TOKEN: TOKEN },
    );

    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stdout).not.toContain(TOKEN);
    expect(r.code).toBe(0);
    expect(server?.requests).toHaveLength(1);
    const req = server!.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/v1/projects/shop/artifacts/tarball');
    expect(req.headers['content-type']).toBe('application/gzip');
    // One pass: chunked body, size declared in a header, sha256 in the trailer (not the query).
    expect(req.headers['content-length']).toBeUndefined();
    expect(req.headers['transfer-encoding']).toBe('chunked');
    expect(req.headers.trailer).toBe('X-Checksum-Sha256');
    expect(req.headers['x-content-length']).toBe(String(8 * 1024 * 1024 + 123));
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.query.has('sha256')).toBe(false);
    expect(req.trailers?.['x-checksum-sha256']).toBe(expectedSha);
    expect(req.bodySha256).toBe(expectedSha);
    expect(Buffer.compare(await readFile(req.bodyFile!), await readFile(file))).toBe(0);
    expect(Object.fromEntries(req.query)).toMatchObject({
      version: '1.2.3',
      ref: 'feature/x',
      commit: 'abc1234def',
      message,
      author: 'Ada Lovelace',
    });

    expect(r.stdout).toMatch(new RegExp(`^pushed shop 1\\.2\\.3 \\(8\\.4 MB, sha256 ${expectedSha}\\) in `));
    // Not a TTY: plain lines, one per 10% step, ending at 100%.
    const progress = lines(r.stderr).filter((l) => l.startsWith('wharf: uploading build.tgz: '));
    // Chunks are 1 MiB (12.5% here), so a line shows the real percentage of the first
    // chunk that crossed each 10% step: at most one line per step, ending at 100.
    const percents = progress.map((l) => Number(/: (\d+)% /.exec(l)?.[1]));
    const steps = percents.map((p) => Math.floor(p / 10));
    expect(percents.at(-1)).toBe(100);
    expect(percents.length).toBeGreaterThanOrEqual(8);
    expect(new Set(steps).size).toBe(steps.length);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(r.stderr).toContain(`wharf: sha256 ${expectedSha}  build.tgz`);
  });

  it('prints the ArtifactView with --json and nothing on stderr with --quiet', async () => {
    const url = await startFake();
    await randomFile('small.tgz', 1000);
    const r = await runCli(['artifact', 'push', 'small.tgz', '--project=shop', '--version=2.0.0', '--json', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const view = JSON.parse(r.stdout) as { version: string; sizeBytes: number; kind: string };
    expect(view).toMatchObject({ version: '2.0.0', sizeBytes: 1000, kind: 'tarball' });
  });

  it('keeps its memory flat: peak RSS stays far below the size of the file', async () => {
    let pid = 0;
    let peakKiB = 0;
    const url = await startFake({
      // The CLI is still running (waiting for the answer) when the body has arrived.
      onBodyReceived: () => {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
      },
    });
    const size = 192 * 1024 * 1024;
    await randomFile('large.tgz', size);
    const r = await runCli(
      ['artifact', 'push', 'large.tgz', '--project', 'shop', '--version', 'big-1', '-q'],
      { WHARF_URL: url, WHARF_TOKEN: TOKEN },
      (p) => (pid = p),
    );
    expect(r.code).toBe(0);
    expect(server!.requests[0]!.bodyBytes).toBe(size);
    expect(peakKiB).toBeGreaterThan(0);
    // Node alone is ~40 MiB; buffering the file would need 192 MiB more.
    expect(peakKiB / 1024).toBeLessThan(144);
  });

  it('fails with one line and exit 7 when the version exists (409)', async () => {
    const url = await startFake({ existing: new Set(['1.2.3']) });
    await randomFile('build.tgz', 4 * 1024 * 1024);
    const quiet = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.2.3', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(quiet.code).toBe(7);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('wharf: upload rejected (409): version 1.2.3 already exists\n');

    const loud = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.2.3'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(loud.code).toBe(7);
    expect(lines(loud.stderr).at(-1)).toBe('wharf: upload rejected (409): version 1.2.3 already exists');
  });

  it('reports an early 413 while the body is still being sent (exit 6)', async () => {
    const url = await startFake({ maxBytes: 1024 * 1024 });
    await randomFile('huge.tgz', 48 * 1024 * 1024);
    const r = await runCli(['artifact', 'push', 'huge.tgz', '--project', 'shop', '--version', '3.0.0', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(r.stderr).toBe('wharf: upload rejected (413): artifact is larger than the 1048576 byte limit\n');
    expect(r.code).toBe(6);
  });

  it('fails with exit 5 and a hint when the token is refused (401)', async () => {
    const url = await startFake();
    await randomFile('build.tgz', 1000);
    const wrong = `wharf_${'Z'.repeat(40)}`;
    const r = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: wrong,
    });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      'wharf: upload rejected (401): invalid or revoked API token (check WHARF_TOKEN: missing, mistyped or revoked?)\n',
    );
    expect(r.stderr).not.toContain(wrong);
  });

  it('asks for 100 Continue, and sends none of the file when the server refuses instead (401, 409)', async () => {
    const url = await startFake({ expectContinue: 'wharf', existing: new Set(['1.2.3']) });
    await randomFile('build.tgz', 8 * 1024 * 1024);
    const refused = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: `wharf_${'Z'.repeat(40)}`,
    });
    expect(refused.code).toBe(5);
    const exists = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.2.3', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(exists.code).toBe(7);
    expect(server!.requests.map((r) => r.headers.expect)).toEqual(['100-continue', '100-continue']);
    // Two request heads, no body: a few KB, where one sent file would be 8 MB.
    expect(server!.bytesRead).toBeLessThan(16 * 1024);

    // And once the server says 100, the whole file goes.
    const ok = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '2.0.0', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(ok.code).toBe(0);
    expect(server!.requests[2]!.bodyBytes).toBe(8 * 1024 * 1024);
  });

  it('still uploads through a server or proxy that never answers 100 Continue', async () => {
    const url = await startFake({ expectContinue: 'ignore' });
    await randomFile('build.tgz', 300_000);
    const r = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0', '-q'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(server!.requests[0]!.bodyBytes).toBe(300_000);
  });

  it('fails locally with exit 3 when WHARF_TOKEN is missing, sending nothing', async () => {
    const url = await startFake();
    await randomFile('build.tgz', 1000);
    const r = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0'], {
      WHARF_URL: url,
    });
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^wharf: WHARF_TOKEN is not set/)]);
    expect(server?.requests).toHaveLength(0);
  });

  it.each([
    ['--version', '$(id)'],
    ['--version', '1.0;rm -rf /'],
    ['--ref', '$(id)'],
    ['--commit', '`id`'],
    ['--project', '../admin'],
  ])('rejects a hostile %s %j locally with exit 2, sending nothing', async (flag, value) => {
    const url = await startFake();
    await randomFile('build.tgz', 1000);
    const args = { '--project': 'shop', '--version': '1.0.0', [flag]: value };
    const r = await runCli(['artifact', 'push', 'build.tgz', ...Object.entries(args).flat()], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^wharf: invalid ${flag}: `));
    expect(r.stderr).not.toContain(value);
    expect(server?.requests).toHaveLength(0);
  });

  it('refuses a --token flag without echoing it, sending nothing', async () => {
    const url = await startFake();
    const r = await runCli(
      ['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0', `--token=${TOKEN}`],
      { WHARF_URL: url },
    );
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('set WHARF_TOKEN in the environment');
    expect(r.stderr).not.toContain(TOKEN);
    expect(server?.requests).toHaveLength(0);
  });

  it('fails with exit 2 for a missing file and exit 4 when nothing listens', async () => {
    const url = await startFake();
    const missing = await runCli(['artifact', 'push', 'nope.tgz', '--project', 'shop', '--version', '1.0.0'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('wharf: nope.tgz: no such file\n');

    await randomFile('build.tgz', 1000);
    const port = await closedPort();
    const refused = await runCli(['artifact', 'push', 'build.tgz', '--project', 'shop', '--version', '1.0.0', '-q'], {
      WHARF_URL: `http://127.0.0.1:${port}`,
      WHARF_TOKEN: TOKEN,
    });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toBe(
      `wharf: cannot connect to http://127.0.0.1:${port}: connection refused (is WHARF_URL right and the server up?)\n`,
    );
  });
});

describe('wharf artifact list / register-image (bundle)', () => {
  it('prints a table, the next-page hint, and the raw page with --json', async () => {
    const url = await startFake({
      artifacts: [
        artifactView({
          version: '1.2.3',
          sizeBytes: 5_000_000,
          gitRef: 'main',
          commitSha: 'abcdef0123456789',
          commitMessage: 'Fix\u001b[31m login\nbody',
        }),
        artifactView({ version: 'img-7', kind: 'image', imageRef: 'registry.example.com/shop/web:7' }),
      ],
      nextCursor: 'c2',
    });
    const table = await runCli(['artifact', 'list', '--project', 'shop', '--limit', '2'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(table.code).toBe(0);
    expect(server!.requests[0]!.query.get('limit')).toBe('2');
    expect(lines(table.stdout)).toEqual([
      'VERSION  KIND     SIZE    REF   COMMIT    CREATED            MESSAGE',
      '1.2.3    tarball  5.0 MB  main  abcdef01  2026-11-28 08:40Z  Fix [31m login',
      'img-7    image    -       -     -         2026-11-28 08:40Z  -',
    ]);
    expect(table.stderr).toBe('wharf: more artifacts: add --cursor c2\n');

    const json = await runCli(['artifact', 'list', '--project', 'shop', '--json', '--cursor', 'c1'], {
      WHARF_URL: url,
      WHARF_TOKEN: TOKEN,
    });
    expect(json.code).toBe(0);
    expect(server!.requests[1]!.query.get('cursor')).toBe('c1');
    const page = JSON.parse(json.stdout) as { items: { version: string }[]; nextCursor: string };
    expect(page.items.map((a) => a.version)).toEqual(['1.2.3', 'img-7']);
    expect(page.nextCursor).toBe('c2');
  });

  it('answers 404 for another project with exit 5 and a hint', async () => {
    const url = await startFake();
    const r = await runCli(['artifact', 'list', '--project', 'other'], { WHARF_URL: url, WHARF_TOKEN: TOKEN });
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(
      'wharf: list rejected (404): project not found (unknown project, or WHARF_TOKEN belongs to another project)\n',
    );
  });

  it('registers an image with a JSON body', async () => {
    const url = await startFake();
    const digest = `sha256:${'ab'.repeat(32)}`;
    const r = await runCli(
      [
        'artifact',
        'register-image',
        '--project',
        'shop',
        '--version',
        '7',
        '--image',
        'registry.example.com/shop/web:7',
        '--digest',
        digest,
        '--commit',
        'abcdef0',
      ],
      { WHARF_URL: url, WHARF_TOKEN: TOKEN },
    );
    expect(r.code).toBe(0);
    expect(server!.requests[0]!.headers['content-type']).toBe('application/json');
    expect(server!.requests[0]!.json).toEqual({
      version: '7',
      image: 'registry.example.com/shop/web:7',
      digest,
      commit: 'abcdef0',
    });
    expect(r.stdout).toBe(`registered shop 7: registry.example.com/shop/web:7 (${digest})\n`);
  });

  it('prints help with examples and exit codes, without needing any configuration', async () => {
    const r = await runCli(['artifact', 'push', '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wharf artifact push build.tgz --project shop --version "$CI_COMMIT_SHORT_SHA"');
    const global = await runCli(['--help'], {});
    expect(global.stdout).toContain('7  conflict: 409');
    expect(global.stdout).toContain('there is no\n                --token flag');
  });
});
