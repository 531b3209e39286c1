// The exec wrapper is plain POSIX sh: run it locally to check env delivery and the pgid line.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { envScript, wrapCommand } from './remote-exec.js';
import { sh } from './shell-quote.js';

function runLocal(cmdText: string, stdin: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', cmdText], { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
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
      envScript({ V: value }),
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

  it('closes stdin for the command after reading the env', async () => {
    const { stdout } = await runLocal(wrapCommand(sh`cat; echo done`).text, 'export X=1\n');
    expect(stdout.split('\n').slice(1).join('\n')).toBe('done\n');
  });
});
