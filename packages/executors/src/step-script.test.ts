// Step scripts run through the same wrapper as on a host (remote-exec's deferred-env mode),
// here with the local `sh`: hostile values stay literal, markers come back in order, and the
// deploy variables reach only the steps that ask for them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releasePaths } from './deploy-steps.js';
import { activateScript, inspectScript, listingFrom, pm2MiniListStatuses, prepareScript } from './release-scripts.js';
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

/** Runs a script as remote-exec would (wrapper, env on stdin), locally. */
function runLocal(script: StepScript, env: Record<string, string> = {}) {
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
      child.stdin.end(envScript(env));
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

  it('inspect prepares the dirs literally and reports owner, current and curl', async () => {
    const p = releasePaths(base(), version);
    await mkdir(join(p.releases, version), { recursive: true });
    await symlink(join(p.releases, 'v0'), p.current);
    const script = inspectScript(p);
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

  it('prepare (reused, with a pre-command) and activate run with hostile paths and app name', async () => {
    const p = releasePaths(base(), version);
    const prep = prepareScript(p, {
      upload: join(p.releases, `.upload-${version}`),
      tmp: join(p.releases, `.tmp-${version}`),
      sha256: 'a'.repeat(64),
      version,
      rand: 'abc',
      installCommand: null,
      preCommand: 'echo "pre in $(basename "$PWD")"',
      reused: true,
    });
    expect(prep.steps.map((s) => s.name)).toEqual(['pre-command']);
    const pre = await runLocal(prep);
    expect(pre.code).toBe(0);
    expect(pre.text).toEqual([`pre in ${version}`]);

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
