// The README's .gitlab-ci.yml, run for real: its job script lines are read from README.md (so
// the example cannot drift from what is tested) and run stage by stage with `sh -e`, as a
// GitLab runner would, in a small Node project, with GitLab's CI_* variables set and
// WHARF_URL / WHARF_TOKEN given as project CI/CD variables. The Wharf is real (API, worker,
// one sshd + pm2 host), and the commit must end up answering on the host.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { buildCliBundle } from './cli-runner.js';
import { setupRelease, type ReleaseFixture } from './release-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));

interface CiJob {
  name: string;
  stage: string;
  script: string[];
  /** From `rules: - if: $CI_COMMIT_BRANCH == "<branch>"`; null: every pipeline. */
  onlyBranch: string | null;
}

interface CiFile {
  stages: string[];
  variables: Record<string, string>;
  jobs: CiJob[];
}

/**
 * Reads the `.gitlab-ci.yml` block under "Push builds from CI". Only the shapes the example
 * uses are understood; anything else fails the test rather than being skipped silently.
 */
function readReadmePipeline(readme: string): CiFile {
  const section = readme.split(/^## Push builds from CI$/m)[1]?.split(/^## /m)[0] ?? '';
  const block = /```yaml\n(# \.gitlab-ci\.yml\n[\s\S]*?)```/.exec(section)?.[1];
  if (!block)
    throw new Error('README.md has no ```yaml block starting with "# .gitlab-ci.yml" under "Push builds from CI"');
  const ci: CiFile = { stages: [], variables: {}, jobs: [] };
  let top: string | null = null;
  let list: 'script' | 'rules' | null = null;
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const topKey = /^([A-Za-z0-9_-]+):(.*)$/.exec(line);
    if (topKey) {
      top = topKey[1]!;
      list = null;
      if (top === 'stages')
        ci.stages = topKey[2]!
          .trim()
          .replace(/^\[|\]$/g, '')
          .split(/,\s*/);
      else if (top !== 'default' && top !== 'variables')
        ci.jobs.push({ name: top, stage: '', script: [], onlyBranch: null });
      continue;
    }
    const job = ci.jobs.at(-1);
    const key = /^ {2}([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (key) {
      list = null;
      const [, name, value] = key;
      if (top === 'variables') ci.variables[name!] = value!.trim();
      else if (top === 'default' && name === 'image') continue;
      else if (job && name === 'stage') job.stage = value!.trim();
      else if (job && (name === 'script' || name === 'rules')) list = name;
      else if (job && name === 'artifacts') continue;
      else throw new Error(`README pipeline: unexpected key "${name}" under ${top}`);
      continue;
    }
    const item = /^ {4}- (.*)$/.exec(line);
    if (item && job && list === 'script') {
      job.script.push(item[1]!);
      continue;
    }
    if (item && job && list === 'rules') {
      const rule = /^if: \$CI_COMMIT_BRANCH == "([^"]+)"$/.exec(item[1]!);
      if (!rule) throw new Error(`README pipeline: rule not understood: ${item[1]}`);
      job.onlyBranch = rule[1]!;
      continue;
    }
    if (/^ {4}paths: /.test(line) && job) continue;
    throw new Error(`README pipeline: line not understood: ${raw}`);
  }
  return ci;
}

// --- the project the pipeline builds: no dependencies, so `npm ci` needs no registry ------

const APP_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'shop',
      version: '1.0.0',
      private: true,
      scripts: { test: 'node --test', build: 'node build.mjs', start: 'node dist/server.js' },
      dependencies: {},
    },
    null,
    2,
  )}\n`,
  'package-lock.json': `${JSON.stringify(
    {
      name: 'shop',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'shop', version: '1.0.0' } },
    },
    null,
    2,
  )}\n`,
  'src/greeting.js': `'use strict';\nexports.greeting = (name) => 'hello ' + name;\n`,
  'src/greeting.test.js': `'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { greeting } = require('./greeting.js');
test('greets', () => assert.strictEqual(greeting('shop'), 'hello shop'));
`,
  'src/server.js': `'use strict';
const http = require('node:http');
const { commit } = require('./build-info.json');
const { greeting } = require('./greeting.js');
http
  .createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ version: commit, greeting: greeting('shop') }));
  })
  .listen(Number(process.env.PORT || 3000), process.env.BIND_ADDRESS || '127.0.0.1');
`,
  // The build stamps the commit in, so the host's answer proves which build it runs.
  'build.mjs': `import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('dist', { recursive: true });
for (const f of ['server.js', 'greeting.js']) cpSync('src/' + f, 'dist/' + f);
writeFileSync('dist/build-info.json', JSON.stringify({ commit: process.env.CI_COMMIT_SHORT_SHA || 'local' }));
`,
  // Started through the current symlink (WHARF_CURRENT_DIR), so a reload serves the new release.
  'ecosystem.config.cjs': `'use strict';
const current = process.env.WHARF_CURRENT_DIR;
module.exports = {
  apps: [
    {
      name: process.env.WHARF_APP_NAME || 'shop',
      script: current + '/dist/server.js',
      cwd: current,
      env: { PORT: process.env.PORT, BIND_ADDRESS: process.env.BIND_ADDRESS },
    },
  ],
};
`,
};

function sh(
  script: string,
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-e', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let t: TestApp;
let worker: RunningWorker;
let f: ReleaseFixture;
let repo: string;

beforeAll(async () => {
  await buildCliBundle();
  t = await startTestApp();
  worker = await startWorker(t.config);
  f = await setupRelease(t, { hostCount: 1, baseAddress: '127.0.0.140', slug: 'shop' });
  // The example releases to "dev".
  expect((await f.admin.patch(`/api/v1/projects/shop/environments/${f.envId}`, { name: 'dev' })).status).toBe(200);
  repo = await mkdtemp(join(tmpdir(), 'wharf-gitlab-repo-'));
  for (const [path, content] of Object.entries(APP_FILES)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
}, 240_000);

afterAll(async () => {
  await worker?.stop();
  await f?.hosts.stop();
  if (f) await rm(f.workDir, { recursive: true, force: true });
  if (repo) await rm(repo, { recursive: true, force: true });
  await t?.close();
});

describe("README's .gitlab-ci.yml", { timeout: 300_000 }, () => {
  it('has test → build → push → release stages, releasing only on the dev branch', async () => {
    const ci = readReadmePipeline(await readFile(README, 'utf8'));
    expect(ci.stages).toEqual(['test', 'build', 'push', 'release']);
    expect(ci.jobs.map((j) => [j.name, j.stage, j.onlyBranch])).toEqual([
      ['test', 'test', null],
      ['build', 'build', null],
      ['push', 'push', null],
      ['release-dev', 'release', 'dev'],
    ]);
    expect(ci.jobs.at(-1)!.script.at(-1)).toMatch(/wharf\.mjs release .*--env dev .*--wait/);
  });

  it('runs as written on a dev-branch pipeline: the commit is tested, pushed, released and served', async () => {
    const ci = readReadmePipeline(await readFile(README, 'utf8'));
    const sha = randomBytes(20).toString('hex');
    const home = await mkdtemp(join(tmpdir(), 'wharf-gitlab-home-'));
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      // This machine's runner is offline: npm must not try the registry (the project has no dependencies).
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      npm_config_cache: join(home, '.npm'),
      ...ci.variables,
      // GitLab's predefined variables for a push to dev...
      CI: 'true',
      GITLAB_CI: 'true',
      CI_COMMIT_SHA: sha,
      CI_COMMIT_SHORT_SHA: sha.slice(0, 8),
      CI_COMMIT_REF_NAME: 'dev',
      CI_COMMIT_BRANCH: 'dev',
      CI_COMMIT_TITLE: 'Greet the shop',
      // ...and project CI/CD variables, which win over the file's `variables:`.
      WHARF_URL: t.url,
      WHARF_TOKEN: f.token,
    };
    const transcript: string[] = [];
    try {
      for (const stage of ci.stages) {
        for (const job of ci.jobs.filter((j) => j.stage === stage)) {
          if (job.onlyBranch !== null && job.onlyBranch !== env.CI_COMMIT_BRANCH) continue;
          const run = await sh(job.script.join('\n'), repo, env);
          transcript.push(`--- ${job.name} (exit ${run.code})\n${run.output}`);
          expect(run.code, transcript.join('\n')).toBe(0);
        }
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
    const log = transcript.join('\n');
    expect(log).toMatch(/^# pass 1$/m); // npm test ran the project's test
    expect(log).toContain(`pushed shop ${sha.slice(0, 8)}`);
    expect(log).toMatch(new RegExp(`wharf: deployment \\S+ succeeded: shop ${sha.slice(0, 8)} on dev`));
    expect(log).not.toContain(f.token);

    const artifact = (await f.admin.get(`/api/v1/projects/shop/artifacts/${sha.slice(0, 8)}`)).body;
    expect(artifact).toMatchObject({ commitSha: sha, gitRef: 'dev', commitMessage: 'Greet the shop' });
    const hosts = await Promise.all(
      f.hosts.hosts.map(async (h) => (await fetch(`http://${h.address}:${h.appPort}/`)).json()),
    );
    expect(hosts).toEqual([{ version: sha.slice(0, 8), greeting: 'hello shop' }]);
  });
});
