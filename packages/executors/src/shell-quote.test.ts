import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, isShellCommand, join, quote, sh, trustedCommand } from './shell-quote.js';

const run = promisify(execFile);

let dir = '';
let marker = '';
beforeAll(async () => {
  dir = await mkdtemp(pathJoin(tmpdir(), 'wharf-quote-'));
  marker = pathJoin(dir, 'PWNED');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hostile = (): string[] => [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  "'",
  "''",
  "it's",
  `'; touch ${marker}; '`,
  `"; touch ${marker}; "`,
  'line one\nline two\n',
  `x\ntouch ${marker}`,
  `; rm -rf /`,
  `; touch ${marker}`,
  `| touch ${marker}`,
  `&& touch ${marker}`,
  `> ${marker}`,
  '-rf',
  '--',
  '-',
  'ünïcödé ✓ 日本語 🚢',
  '',
  ' ',
  '\t',
  '*',
  '~',
  '$HOME',
  '${HOME}',
  '$((1+1))',
  '\\',
  "\\'",
  '!',
  '#comment',
  'a\rb',
  '\u0001\u007f',
];

/** Runs `printf '%s\0' <args>` through /bin/sh -c and returns the arguments it received. */
async function roundTrip(cmdText: string): Promise<string[]> {
  const { stdout } = await run('/bin/sh', ['-c', cmdText], { cwd: dir, encoding: 'buffer' });
  const parts = stdout.toString('utf8').split('\0');
  parts.pop();
  return parts;
}

describe('quote', () => {
  it('single-quotes and escapes embedded quotes', () => {
    expect(quote('abc')).toBe("'abc'");
    expect(quote('')).toBe("''");
    expect(quote("it's")).toBe("'it'\\''s'");
    expect(quote(42)).toBe("'42'");
  });

  it('refuses NUL bytes', () => {
    expect(() => quote('a\0b')).toThrow(/NUL/);
  });

  it.each(hostile().map((s) => [JSON.stringify(s), s]))(
    'passes %s through /bin/sh byte-for-byte',
    async (_label, value) => {
      const got = await roundTrip(sh`printf '%s\\0' ${value}`.text);
      expect(got).toEqual([value]);
      expect(existsSync(marker)).toBe(false);
    },
  );
});

describe('sh and command', () => {
  it('passes many hostile arguments at once, in order, and nothing runs', async () => {
    const values = hostile();
    const got = await roundTrip(sh`printf '%s\\0' ${values}`.text);
    expect(got).toEqual(values);
    const got2 = await roundTrip(command(['printf', '%s\\0', ...values]).text);
    expect(got2).toEqual(values);
    expect(existsSync(marker)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
  });

  it('hostile values as file names create exactly that file and nothing else', async () => {
    const name = `$(touch PWNED) \`touch PWNED\` ; -rf '"\n✓`;
    await run('/bin/sh', ['-c', sh`cd ${dir} && touch -- ${name}`.text]);
    expect(await readdir(dir)).toEqual([name]);
    await run('/bin/sh', ['-c', sh`rm -f -- ${pathJoin(dir, name)}`.text]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('splices ShellCommands without re-quoting and quotes strings', () => {
    const inner = sh`echo ${'a b'}`;
    expect(isShellCommand(inner)).toBe(true);
    expect(sh`cd ${'/x y'} && ${inner}`.text).toBe("cd '/x y' && echo 'a b'");
    expect(join([sh`true`, sh`echo ${'$x'}`]).text).toBe("true && echo '$x'");
    expect(trustedCommand('npm ci').text).toBe('npm ci');
    expect(() => command([])).toThrow();
  });

  it('a quoted value stays one word even when nested inside sh -c', async () => {
    const value = `$(touch ${marker})'"; \`x\``;
    const inner = sh`printf '%s\\0' ${value}`;
    const outer = sh`sh -c ${inner.text}`;
    expect(await roundTrip(outer.text)).toEqual([value]);
    expect(existsSync(marker)).toBe(false);
  });
});
