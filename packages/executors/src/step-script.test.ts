// Step scripts run through the same wrapper as on a host (remote-exec's deferred-env mode),
// here with the local `sh`: hostile values stay literal, markers come back in order, and the
// deploy variables reach only the steps that ask for them.
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releasePaths } from './deploy-steps.js';
import { activateScript, inspectAndPrepareScript, listingFrom, pm2MiniListStatuses } from './release-scripts.js';
import { envScript, wrapCommand } from './remote-exec.js';
import { sh } from './shell-quote.js';
import { parseMarkerLine, StepScript, type MarkerEvent } from './step-script.js';

let dir = '';
let pwned = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wharf-step-script-'));
  pwned = join(dir, 'PWNED');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hostile = (): string[] => [
  `$(touch ${pwned})`,
  `\`touch ${pwned}\``,
  `'; touch ${pwned}; '`,
  `"; touch ${pwned}; "`,
  `x\ntouch ${pwned}`,
  `\${IFS}touch\${IFS}${pwned}`,
  '__WHARF_00000000:s:0',
];

/** Runs a script as remote-exec would (wrapper, env on stdin, then `input`: fd 3), locally. */
function runLocal(script: StepScript, env: Record<string, string> = {}, input?: Buffer) {
  return new Promise<{ code: number | null; lines: string[]; events: MarkerEvent[]; text: string[] }>(
    (resolve, reject) => {
      const child = spawn('sh', ['-c', wrapCommand(script.build(), true).text], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.resume();
      child.on('error', reject);
      child.on('close', (code) => {
        const lines = out.split('\n').filter((l) => l !== '' && !l.startsWith('__WHARF_PGID='));
        const events: MarkerEvent[] = [];
        const text: string[] = [];
        for (const l of lines) {
          const r = parseMarkerLine(script.mark, l);
          if (r.event) events.push(r.event);
          if (r.text !== null) text.push(r.text);
        }
        resolve({ code, lines, events, text });
      });
      child.stdin.on('error', () => undefined); // a script that never reads its input
      // The empty line ends the env, as remote-exec sends it; `input` (fd 3) follows.
      child.stdin.end(Buffer.concat([Buffer.from(`${envScript(env)}\n`), input ?? Buffer.alloc(0)]));
    },
  );
}

describe('StepScript', () => {
  it('announces steps by index only and keeps hostile values literal', async () => {
    for (const v of hostile()) {
      const script = new StepScript()
        .step('one', `announce ${v}`, sh`printf '%s\\n' ${v}`)
        .value('echo', sh`printf '%s' ${v.replace(/\n/g, ' ')}`);
      expect(script.build().text).not.toContain('announce');
      const r = await runLocal(script);
      expect(r.code).toBe(0);
      expect(r.events[0]).toEqual({ kind: 'step', index: 0 });
      expect(script.steps[0]!.announce).toBe(`announce ${v}`);
      expect(r.text).toEqual(v.split('\n'));
      expect(r.events[1]).toEqual({ kind: 'value', key: 'echo', value: v.replace(/\n/g, ' ') });
    }
    expect(existsSync(pwned)).toBe(false);
  });

  it('deploy variables reach user steps only, literally; a failing step ends the script with its code', async () => {
    const hostileValue = hostile().join(' | ');
    const script = new StepScript()
      .step('own', 'own', sh`printf 'own:%s\\n' "\${SECRET-unset}"`)
      .userStep('user', 'user', sh`printf 'user:%s\\n' "$SECRET"`)
      .step('after', 'after', sh`printf 'after:%s\\n' "\${SECRET-unset}"`)
      .step('fails', 'fails', sh`exit 7`)
      .step('never', 'never', sh`touch ${pwned}`);
    const r = await runLocal(script, { SECRET: hostileValue });
    expect(r.code).toBe(7);
    expect(r.text).toEqual([
      'own:unset',
      `user:${hostileValue.split('\n')[0]}`,
      ...hostileValue.split('\n').slice(1),
      'after:unset',
    ]);
    expect(r.events.map((e) => (e.kind === 'step' ? script.steps[e.index]!.name : e.key))).toEqual([
      'own',
      'user',
      'after',
      'fails',
    ]);
    expect(existsSync(pwned)).toBe(false);
  });

  it('a line without newline before a marker is split off; a marker of another script is plain text', () => {
    const script = new StepScript('0123456789ab');
    expect(parseMarkerLine(script.mark, `progress 90%${script.mark}s:3`)).toEqual({
      text: 'progress 90%',
      event: { kind: 'step', index: 3 },
    });
    expect(parseMarkerLine(script.mark, '__WHARF_ffffffffffff:s:0')).toEqual({
      text: '__WHARF_ffffffffffff:s:0',
      event: null,
    });
    expect(() => new StepScript('not hex')).toThrow();
    expect(() => script.value('Bad-Key', sh`true`)).toThrow();
  });
});

describe('release scripts with hostile paths', () => {
  // Versions and base dirs are validated before they get here; the scripts must not rely on it.
  const base = () => join(dir, `base $(touch ${pwned}) 'q' "d" \`b\``);
  const version = `v1;touch ${pwned}`;

  it('inspect prepares the dirs literally, reports owner, current and curl, and stops at a foreign release', async () => {
    const p = releasePaths(base(), version);
    await mkdir(join(p.releases, version), { recursive: true });
    await symlink(join(p.releases, 'v0'), p.current);
    const script = inspectAndPrepareScript(p, {
      upload: join(p.releases, `.upload-${version}`),
      tmp: join(p.releases, `.tmp-${version}`),
      sha256: 'a'.repeat(64),
      version,
      rand: 'abc',
      installCommand: null,
      preCommand: null,
    });
    const r = await runLocal(script);
    expect(r.code).toBe(0);
    const values = Object.fromEntries(
      r.events.flatMap((e) => (e.kind === 'value' ? [[e.key, e.value]] : [])),
    ) as Record<string, string>;
    expect(values).toMatchObject({ owner: 'foreign', current: join(p.releases, 'v0'), complete: '' });
    expect(['yes', 'no']).toContain(values.curl);
    expect(await readdir(base())).toEqual(expect.arrayContaining(['.wharf', 'releases', 'current']));
    expect(existsSync(pwned)).toBe(false);
  });

  it('activate runs with hostile paths and app name', async () => {
    const p = releasePaths(base(), version);
    // A stand-in pm2 (on the PATH of the pm2 step only) prints a mini list for the name it got.
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(join(bin, 'pm2'), '#!/bin/sh\nprintf \'+--- %s\\nstatus : online\\n\' "$2"\n', { mode: 0o755 });
    const app = `app'; touch ${pwned}`;
    const act = activateScript(p, { mode: 'reload', name: app }, 'r1');
    expect(act.steps.map((s) => s.name)).toEqual(['switch current', 'pm2 reload']);
    const r = await runLocal(act, { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` });
    expect(r.code).toBe(0);
    expect(await readlink(p.current)).toBe(p.release);
    expect(pm2MiniListStatuses(r.text, app)).toEqual(['online']);
    // The prune listing rides along: release names, `---`, Wharf's markers.
    const listing = r.events.find((e) => e.kind === 'value' && e.key === 'listing');
    const lines = listingFrom(listing?.kind === 'value' ? listing.value : undefined)?.split('\n') ?? [];
    expect(lines).toContain(version);
    expect(lines).toContain('---');
    expect(existsSync(pwned)).toBe(false);
  });
});

describe('pm2MiniListStatuses', () => {
  const out = [
    '[PM2] Applying action reloadProcessId on app [web](ids: [ 0, 1 ])',
    '+--- web',
    'namespace : default',
    'status : online',
    '+--- web-worker',
    'status : errored',
    '+--- web',
    'status : launching',
  ];
  it('reads the status of every process of the app, and nothing of others', () => {
    expect(pm2MiniListStatuses(out, 'web')).toEqual(['online', 'launching']);
    expect(pm2MiniListStatuses(out, 'web-worker')).toEqual(['errored']);
    expect(pm2MiniListStatuses(out, 'api')).toEqual([]);
  });
});

describe('inspect + prepare in one script: the host decides', () => {
  const base = () => join(dir, `one $(touch ${pwned}) 'q'`);
  const version = `v2;touch ${pwned}`;
  const args = (p: ReturnType<typeof releasePaths>, sha256: string) => ({
    upload: join(p.releases, `.upload-${version}-r`),
    tmp: join(p.releases, `.tmp-${version}-r`),
    sha256,
    version,
    rand: 'r',
    installCommand: null,
    preCommand: 'echo "pre in $(basename "$PWD")"',
  });
  const steps = (script: StepScript, events: MarkerEvent[]) =>
    events.flatMap((e) => (e.kind === 'step' ? [script.steps[e.index]!.name] : []));
  const values = (events: MarkerEvent[]) =>
    Object.fromEntries(events.flatMap((e) => (e.kind === 'value' ? [[e.key, e.value]] : []))) as Record<string, string>;

  it('a new release: reads the upload from fd 3, verifies, unpacks, skips npm ci without a lock file, marks it', async () => {
    const src = join(dir, 'src');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'server.js'), 'ok\n');
    const tgz = join(dir, 'app.tgz');
    execFileSync('tar', ['-czf', tgz, '-C', src, '.']);
    const data = await readFile(tgz);
    const sha = createHash('sha256').update(data).digest('hex');
    const p = releasePaths(base(), version);
    const script = inspectAndPrepareScript(p, args(p, sha));
    const r = await runLocal(script, {}, data);
    expect(r.code, r.lines.join('\n')).toBe(0);
    expect(steps(script, r.events)).toEqual([
      'prepare',
      'upload',
      'verify checksum',
      'unpack',
      'install',
      'mark release complete',
      'pre-command',
    ]);
    expect(values(r.events)).toMatchObject({ owner: 'none', complete: '', sha256: sha });
    expect(await readFile(join(p.release, 'server.js'), 'utf8')).toBe('ok\n');
    expect((await readFile(p.complete, 'utf8')).trim()).toBe(sha);
    expect(r.text).toEqual([`pre in ${version}`]);
    expect(existsSync(pwned)).toBe(false);

    // Again with the same artifact: reused, the upload left unread, only the pre-command runs.
    const again = inspectAndPrepareScript(p, args(p, sha));
    const r2 = await runLocal(again, {}, data);
    expect(r2.code).toBe(0);
    expect(steps(again, r2.events)).toEqual(['prepare', 'reuse', 'pre-command']);
    expect(values(r2.events)).toMatchObject({ owner: 'ours', complete: sha });
    expect((await readdir(p.releases)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('removes leftovers of interrupted runs (temp dirs, uploads, temp markers) and nothing else', async () => {
    const p = releasePaths(join(base(), 'leftovers'), version);
    await mkdir(join(p.releases, '.tmp-old a', 'node_modules'), { recursive: true });
    await mkdir(join(p.releases, 'v0'), { recursive: true });
    await mkdir(p.state, { recursive: true });
    await writeFile(join(p.releases, '.upload-old.tar.gz'), 'x');
    await writeFile(join(p.releases, '.keep-me'), 'x');
    await writeFile(join(p.state, '.tmp-marker'), 'x');
    await writeFile(join(p.state, 'v0.owned'), '');
    await symlink(join(dir, 'nowhere'), join(p.releases, '.tmp-dangling'));
    const script = inspectAndPrepareScript(p, args(p, 'c'.repeat(64)));
    const r = await runLocal(script, {}, Buffer.from('not a tarball'));
    expect(steps(script, r.events).slice(0, 2)).toEqual(['prepare', 'upload']);
    // (This run's own upload, its checksum wrong, is the executor's to clean up: cleanupUpload.)
    const left = await readdir(p.releases);
    expect(left).toEqual(expect.arrayContaining(['.keep-me', 'v0']));
    expect(left.filter((n) => n.startsWith('.tmp-') || n === '.upload-old.tar.gz')).toEqual([]);
    expect((await readdir(p.state)).sort()).toEqual(['v0.owned']);
    expect(existsSync(pwned)).toBe(false);
  });

  it('a release directory Wharf did not make: stops after reporting it, nothing read or written', async () => {
    const p = releasePaths(join(base(), 'other'), version);
    await mkdir(p.release, { recursive: true });
    const script = inspectAndPrepareScript(p, args(p, 'b'.repeat(64)));
    const r = await runLocal(script, {}, Buffer.from('not read'));
    expect(r.code).toBe(0);
    expect(steps(script, r.events)).toEqual(['prepare']);
    expect(values(r.events)).toMatchObject({ owner: 'foreign', complete: '' });
    expect(await readdir(p.releases)).toEqual([version]);
    expect(existsSync(pwned)).toBe(false);
  });
});
