// A tiny Node HTTP app packaged as a release tarball, for deploy tests and benchmarks.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SampleTarballOptions {
  version: string;
  outDir: string;
  /** The server exits with code 1 right away (for failed health gates). */
  crashOnStart?: boolean;
  /**
   * `npm ci` runs a preinstall script that sleeps this long (true = 60 s). It writes
   * `install.pid` (JSON `{ pid, pgid }`) into the release dir first, so a test can check
   * that a cancelled install left no process behind.
   */
  slowInstall?: boolean | number;
}

export interface SampleTarball {
  path: string;
  sha256: string;
  size: number;
}

const APP_NAME = 'wharf-sample-app';

function serverJs(version: string, crashOnStart: boolean): string {
  return `'use strict';
// Sample app for Wharf deploy tests: answers GET / and GET /health with its version.
const http = require('node:http');
const VERSION = ${JSON.stringify(version)};
${crashOnStart ? "console.error('sample app ' + VERSION + ' is configured to crash on start');\nprocess.exit(1);\n" : ''}
const port = Number(process.env.PORT || 3000);
const host = process.env.BIND_ADDRESS || '127.0.0.1';
const server = http.createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (req.method === 'GET' && (path === '/' || path === '/health')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    // instance: a per-host value (e.g. a target variable override), null when unset.
    res.end(JSON.stringify({ version: VERSION, status: 'ok', instance: process.env.INSTANCE_NAME || null }));
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'not found' }));
});
server.listen(port, host, () => console.log('sample app ' + VERSION + ' listening on ' + host + ':' + port));
const shutdown = () => server.close(() => process.exit(0));
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
`;
}

// pm2 keeps the script path an app was first started with, and Node resolves __dirname
// through the `current` symlink. So the app is started by the symlink path, taken from
// WHARF_CURRENT_DIR (set by the deploy executor), never from __dirname.
const ECOSYSTEM = `'use strict';
const current = process.env.WHARF_CURRENT_DIR;
if (!current) throw new Error('WHARF_CURRENT_DIR must point at <base>/current');
module.exports = {
  apps: [
    {
      name: process.env.WHARF_APP_NAME || '${APP_NAME}',
      script: current + '/server.js',
      cwd: current,
      exec_mode: 'fork',
      instances: 1,
      autorestart: true,
      min_uptime: 1000,
      max_restarts: 3,
      restart_delay: 200,
      kill_timeout: 3000,
      env: {
        PORT: process.env.PORT,
        BIND_ADDRESS: process.env.BIND_ADDRESS,
      },
    },
  ],
};
`;

function slowInstallJs(seconds: number): string {
  return `'use strict';
const { execFileSync } = require('node:child_process');
const { writeFileSync } = require('node:fs');
const pgid = execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)]).toString().trim();
writeFileSync('install.pid', JSON.stringify({ pid: process.pid, pgid: Number(pgid) }));
console.log('slow install started');
setTimeout(() => console.log('slow install done'), ${seconds * 1000});
`;
}

export async function buildSampleTarball(opts: SampleTarballOptions): Promise<SampleTarball> {
  const work = await mkdtemp(join(tmpdir(), 'wharf-sample-'));
  try {
    const slowSeconds = opts.slowInstall === true ? 60 : opts.slowInstall || 0;
    const pkg = {
      name: APP_NAME,
      version: '1.0.0',
      private: true,
      description: `Wharf sample app, release ${opts.version}`,
      main: 'server.js',
      scripts: {
        start: 'node server.js',
        ...(slowSeconds ? { preinstall: 'node slow-install.js' } : {}),
      },
      dependencies: {},
    };
    // No dependencies, so `npm ci --omit=dev` works offline.
    const lock = {
      name: APP_NAME,
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: APP_NAME, version: '1.0.0' } },
    };
    await writeFile(join(work, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    await writeFile(join(work, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    await writeFile(join(work, 'server.js'), serverJs(opts.version, opts.crashOnStart ?? false));
    await writeFile(join(work, 'ecosystem.config.cjs'), ECOSYSTEM);
    await writeFile(join(work, 'VERSION'), `${opts.version}\n`);
    if (slowSeconds) await writeFile(join(work, 'slow-install.js'), slowInstallJs(slowSeconds));

    await mkdir(opts.outDir, { recursive: true });
    const safeName = opts.version.replace(/[^A-Za-z0-9._-]/g, '_');
    const path = join(
      opts.outDir,
      `${APP_NAME}-${safeName}${opts.crashOnStart ? '-crash' : ''}${slowSeconds ? '-slow' : ''}.tar.gz`,
    );
    await run('tar', ['-czf', path, '-C', work, '.']);
    return { path, sha256: await sha256File(path), size: (await stat(path)).size };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
