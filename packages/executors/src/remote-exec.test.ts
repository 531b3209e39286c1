// The exec wrapper is plain POSIX sh: run it locally to check env delivery and the pgid line.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envScript, wrapCommand } from './remote-exec.js';
import { sh } from './shell-quote.js';

function runLocal(
  cmdText: string,
  stdin: string,
  opts: { detached?: boolean; shell?: string } = {},
): Promise<{ code: number | null; stdout: string; pid: number }> {
  return new Promise((resolve, reject) => {
    // detached: the child leads a new session, as sshd starts a session's command.
    const child = spawn(opts.shell ?? '/bin/sh', ['-c', cmdText], {
      stdio: ['pipe', 'pipe', 'inherit'],
      detached: opts.detached,
    });
    const pid = child.pid ?? -1;
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, pid }));
    child.stdin.end(stdin);
  });
}

describe('envScript', () => {
  it('quotes values and rejects bad names', () => {
    expect(envScript({ A: "it's" })).toBe("export A='it'\\''s'\n");
    expect(() => envScript({ 'A B': 'x' })).toThrow(/invalid environment variable name/);
    expect(() => envScript({ 'A=$(id)': 'x' })).toThrow();
  });
});

describe('wrapCommand', () => {
  it('prints its process group id first, exports stdin env, runs the command in a new session', async () => {
    const value = 'multi\nline $(id) `id` \'" ✓';
    const { code, stdout } = await runLocal(
      wrapCommand(sh`printf '%s|' "$V"; ps -o pgid= -p $$ | tr -d ' '; exit 7`).text,
      `${envScript({ V: value })}\n`,
    );
    expect(code).toBe(7);
    const [first, ...rest] = stdout.split('\n');
    const pgid = Number(first!.replace('__WHARF_PGID=', ''));
    expect(first).toMatch(/^__WHARF_PGID=\d+$/);
    const [got, cmdPgid] = rest.join('\n').split('|');
    expect(got).toBe(value);
    // The command runs in the group the wrapper announced (the one the executor kills).
    expect(Number(cmdPgid)).toBe(pgid);
    expect(pgid).not.toBe(process.pid);
  });

  it('as a session leader (how sshd starts a login shell), announces its own pid: no setsid', async () => {
    // bash -c execs a lone command in place, as it does as root's login shell under sshd;
    // `setsid -w` would have forked (a leader cannot setsid), so the pid would differ.
    const { stdout, pid } = await runLocal(wrapCommand(sh`ps -o pgid= -p $$ | tr -d ' '`).text, `${envScript({})}\n`, {
      detached: true,
      shell: 'bash',
    });
    const [first, cmdPgid] = stdout.split('\n');
    expect(first).toBe(`__WHARF_PGID=${pid}`);
    expect(Number(cmdPgid)).toBe(pid);
  });

  it('reads the env up to the empty line; values with empty lines arrive whole', async () => {
    const value = 'a\n\nb\n';
    const { code, stdout } = await runLocal(
      wrapCommand(sh`printf '%s|' "$V"; cat`).text,
      `${envScript({ V: value })}\nrest`,
    );
    expect(code).toBe(0);
    // The plain wrapper closes stdin: what followed the env is not the command's.
    expect(stdout.split('\n').slice(1).join('\n')).toBe(`${value}|`);
  });

  it('closes stdin for the command after reading the env', async () => {
    const { stdout } = await runLocal(wrapCommand(sh`cat; echo done`).text, 'export X=1\n\n');
    expect(stdout.split('\n').slice(1).join('\n')).toBe('done\n');
  });

  it('runs nothing when stdin ends before the closing empty line of the env (a channel closed unused)', async () => {
    for (const wrapped of [wrapCommand(sh`echo ran`), wrapCommand(sh`echo ran`, true)]) {
      for (const stdin of ['', 'export X=1\n', 'export X=1']) {
        const { code, stdout } = await runLocal(wrapped.text, stdin);
        expect([code, stdout.split('\n').slice(1).join('\n')]).toEqual([125, '']);
      }
    }
  });
});
