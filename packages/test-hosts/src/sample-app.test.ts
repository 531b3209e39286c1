import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './free-port.js';
import { killAndWait } from './process-utils.js';
import { buildSampleTarball, sha256File } from './sample-app.js';

const run = promisify(execFile);

describe('buildSampleTarball', () => {
  let dir = '';
  const pids: number[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wharf-sample-test-'));
  });
  afterAll(async () => {
    for (const pid of pids) await killAndWait(pid);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a tarball that installs offline and serves its version by the symlink path', async () => {
    const t = await buildSampleTarball({ version: 'v1.2.3', outDir: join(dir, 'out') });
    expect(t.sha256).toBe(await sha256File(t.path));
    const rel = join(dir, 'releases', 'v1.2.3');
    await run('mkdir', ['-p', rel]);
    await run('tar', ['-xzf', t.path, '-C', rel]);
    const { stdout: list } = await run('tar', ['-tzf', t.path]);
    expect(list).toContain('./ecosystem.config.cjs');
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--offline'], { cwd: rel });
    await run('ln', ['-sfn', rel, join(dir, 'current')]);

    // The ecosystem file names the app and its script through the symlink, from env.
    const { stdout: eco } = await run(
      'node',
      [
        '-e',
        'process.stdout.write(JSON.stringify(require(process.argv[1]).apps[0]))',
        join(dir, 'current', 'ecosystem.config.cjs'),
      ],
      { env: { ...process.env, WHARF_CURRENT_DIR: join(dir, 'current'), WHARF_APP_NAME: 'web', PORT: '1234' } },
    );
    const app = JSON.parse(eco) as { name: string; script: string; env: { PORT: string } };
    expect(app).toMatchObject({ name: 'web', script: join(dir, 'current', 'server.js'), env: { PORT: '1234' } });

    const port = await freePort('127.0.0.1');
    const child = spawn('node', [join(dir, 'current', 'server.js')], {
      env: { ...process.env, PORT: String(port), BIND_ADDRESS: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    pids.push(child.pid!);
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    for (const path of ['/', '/health']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ version: 'v1.2.3' });
    }
  });

  it('crashOnStart builds a server that exits 1', async () => {
    const t = await buildSampleTarball({ version: 'bad', outDir: join(dir, 'out'), crashOnStart: true });
    const rel = join(dir, 'crash');
    await run('mkdir', ['-p', rel]);
    await run('tar', ['-xzf', t.path, '-C', rel]);
    await expect(run('node', [join(rel, 'server.js')])).rejects.toMatchObject({ code: 1 });
  });

  it('slowInstall makes npm ci run a preinstall script that records its pid', async () => {
    const t = await buildSampleTarball({ version: 'slow', outDir: join(dir, 'out'), slowInstall: 1 });
    const rel = join(dir, 'slow');
    await run('mkdir', ['-p', rel]);
    await run('tar', ['-xzf', t.path, '-C', rel]);
    const { stdout } = await run('npm', ['ci', '--omit=dev', '--offline'], { cwd: rel });
    expect(stdout).toContain('slow install done');
    const info = JSON.parse(await readFile(join(rel, 'install.pid'), 'utf8')) as { pid: number; pgid: number };
    expect(info.pid).toBeGreaterThan(1);
    expect(info.pgid).toBeGreaterThan(1);
  });
});
