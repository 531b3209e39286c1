// Health gates, run on the host itself so they see what the host's clients see.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, CommandTimeoutError, HealthCheckFailedError } from './errors.js';
import { goAhead } from './go-ahead.js';
import { sh, trustedCommand, type ShellCommand } from './shell-quote.js';
import type { CapturedOutput } from './remote-exec.js';
import type { TargetSession } from './target-session.js';
import type { HealthCheck, HealthSettings } from './types.js';

/** Last line of a probe whose status matched but whose body lacks the expected text. */
export const BODY_MISMATCH = 'expected text not found in the response body';

// Fallback probe: the host's node (pm2 hosts always have one) for hosts without curl. It
// starts much slower than curl (~1 s), so curl is preferred. argv: url status timeout [text].
const HTTP_PROBE = `const [u, e, t, x] = process.argv.slice(1);
fetch(u, { signal: AbortSignal.timeout(Number(t)), redirect: 'manual' }).then(
  async (r) => { const body = await r.text(); const b = body.slice(0, 200).replace(/\\s+/g, ' ');
    console.log('HTTP ' + r.status + ' ' + b); if (r.status !== Number(e)) process.exit(1);
    if (x !== undefined && !body.includes(x)) { console.log(${JSON.stringify(BODY_MISMATCH)}); process.exit(1); }
    process.exit(0); },
  (err) => { console.log('request failed: ' + ((err.cause && err.cause.code) || err.name || err.message)); process.exit(1); });`;

export type HttpProbeTool = 'curl' | 'node';

/**
 * Same semantics as HTTP_PROBE: no redirects followed, no proxy, the first 200 characters
 * of the body on one line, exit 0 only on the expected status and, if given, with the
 * expected text in the body (a quoted `case` pattern matches it literally). `-q` skips
 * ~/.curlrc. Everything after curl is shell builtins (parameter expansion, field splitting
 * with globbing off, printf's precision), so an attempt starts one process, not six.
 */
function curlProbe(url: string, expectStatus: number, timeoutMs: number, expectBody?: string): ShellCommand {
  const curl = sh`curl -q -sS --noproxy '*' --max-time ${timeoutMs / 1000} -w '\n%{http_code}' --url ${url}`;
  const bodyCheck =
    expectBody === undefined
      ? sh`true`
      : sh`case "$__b" in *${expectBody}*) true ;; *) printf '%s\n' ${BODY_MISMATCH}; exit 1 ;; esac`;
  return sh`if __o=$(${curl} 2>&1); then __nl='\n'; __c=\${__o##*"$__nl"}; __b=\${__o%"$__nl"*}; \
set -f; IFS=" \t\r\v\f$__nl"; set -- $__b; unset IFS; set +f; \
printf 'HTTP %s %.200s\n' "$__c" "$*"; [ "$__c" = ${expectStatus} ] || exit 1; ${bodyCheck}; \
else __nl='\n'; case "$__o" in *curl:*) __m=curl:\${__o##*curl:} ;; *) __m= ;; esac; printf 'request failed: %s\n' "\${__m%%"$__nl"*}"; exit 1; fi`;
}

/**
 * The probe for one attempt. A command check runs in `dir` (the current release) and gets
 * the deploy variables from the caller (withEnv); it is the maintainer's own command.
 */
export function healthCommand(
  check: Exclude<HealthCheck, { type: 'none' }>,
  timeoutMs: number,
  tool: HttpProbeTool = 'node',
  dir = '.',
): ShellCommand {
  switch (check.type) {
    case 'http': {
      if (tool === 'curl') return curlProbe(check.url, check.expectStatus, timeoutMs, check.expectBody);
      const text = check.expectBody === undefined ? [] : [check.expectBody];
      return sh`node -e ${HTTP_PROBE} ${check.url} ${check.expectStatus} ${timeoutMs} ${text}`;
    }
    case 'command':
      return sh`cd -- ${dir} && ${trustedCommand(check.command)}`;
  }
}

/** curl if the host has it, else node; asked once per session (one host, one deployment). */
export async function httpProbeTool(s: TargetSession): Promise<HttpProbeTool> {
  if (s.httpProbeTool === undefined) {
    const r = await s.capture('check for curl', sh`command -v curl >/dev/null 2>&1`);
    s.httpProbeTool = r.exitCode === 0 ? 'curl' : 'node';
  }
  return s.httpProbeTool;
}

/**
 * An attempt's probe followed, only if it passed, by `onPass` (Wharf's own command), in one
 * remote command: the probe in a subshell (an `exit` in it ends only the probe), `onPass`'s
 * output dropped, and `done` printed once it succeeded. The probe's exit code stays the
 * command's.
 */
export function withOnPass(probe: ShellCommand, onPass: ShellCommand, done: string): ShellCommand {
  return sh`( ${probe}
); __wharf_h=$?; if [ "$__wharf_h" -eq 0 ]; then { ${onPass}
} >/dev/null 2>&1 && printf '%s\n' ${done}; fi; exit "$__wharf_h"`;
}

export interface HealthGateResult {
  /** `onPass` ran with the passing attempt and succeeded (false: it is still to be done). */
  onPassDone: boolean;
}

/**
 * Retries the check until it passes or attempts run out; announces each attempt. `dir` is
 * where a command check runs (the release being checked, via `current`).
 */
export async function runHealthGate(
  s: TargetSession,
  check: HealthCheck,
  cfg: HealthSettings,
  dir: string,
  /** Attempt 1's result when it already ran on the host (the activate script's probe). */
  first?: { exitCode: number; last: string },
  /**
   * Wharf's own command to run right after a probe that passes, in that attempt's remote
   * command (e.g. the prune): saves a round trip per host. HTTP checks only (a command
   * check's attempt exports the deploy variables, which must not reach Wharf's commands).
   * Not run when the check passes without a remote command of its own (attempt 1 in the
   * activate script, or no check); then, or if it failed, `onPassDone` is false and the
   * caller runs it as before.
   */
  onPass?: ShellCommand,
): Promise<HealthGateResult> {
  if (check.type === 'none') {
    s.system('health check: none configured, relying on pm2 status');
    return { onPassDone: false };
  }
  // Printed by the remote command once onPass succeeded; random, so no probe output is it.
  const done = `__WHARF_${randomBytes(6).toString('hex')}:on-pass-done`;
  const ride = check.type === 'http' ? onPass : undefined;
  const tool = check.type === 'http' ? await httpProbeTool(s) : 'node';
  const what =
    check.type === 'http'
      ? `GET ${check.url} expecting ${check.expectStatus}${check.expectBody === undefined ? '' : ' and the expected text'} (via ${tool})`
      : `health command in ${dir}`;
  const probe = healthCommand(check, cfg.timeoutMs, tool, dir);
  // An HTTP probe gets a little longer than its request timeout to start node and report; a
  // command check gets exactly the per-attempt timeout. A ridden command gets the time it
  // would have had on its own (e.g. a large rm -rf).
  const budget = check.type === 'http' ? cfg.timeoutMs + 5000 : cfg.timeoutMs;
  const attemptCommand = (startWhen?: Promise<boolean>): Promise<CapturedOutput> =>
    s.capture('health check', ride ? withOnPass(probe, ride, done) : probe, {
      timeoutMs: ride ? budget + s.commandTimeoutMs : budget,
      withEnv: check.type === 'command',
      ...(startWhen ? { startWhen } : {}),
    });
  /** The next attempt's remote command, opened during the interval (see below). */
  let opened: Promise<CapturedOutput> | null = null;
  let last = 'no attempt made';
  for (let attempt = 1; attempt <= cfg.attempts; attempt++) {
    if (s.signal.aborted) throw new CancelledError('health check');
    s.system(`health check attempt ${attempt}/${cfg.attempts}: ${what}`);
    if (attempt === 1 && first) {
      last = first.last || `exit code ${first.exitCode}`;
      s.system(
        `health check attempt 1: ${first.exitCode === 0 ? 'passed' : 'failed'} (${last}; probed right after pm2)`,
      );
      if (first.exitCode === 0) return { onPassDone: false };
    } else {
      const pending = opened;
      opened = null;
      try {
        const r = await (pending ?? attemptCommand());
        const out = r.stdout.split('\n');
        const onPassDone = r.exitCode === 0 && out.includes(done);
        const stdout = onPassDone ? out.filter((l) => l !== done).join('\n') : r.stdout;
        last = (stdout || r.stderr).split('\n').filter(Boolean).pop() ?? `exit code ${r.exitCode}`;
        s.system(`health check attempt ${attempt}: ${r.exitCode === 0 ? 'passed' : 'failed'} (${last})`);
        if (r.exitCode === 0) return { onPassDone };
      } catch (err) {
        if (!(err instanceof CommandTimeoutError)) throw err;
        last = `no answer within ${cfg.timeoutMs} ms`;
        s.system(`health check attempt ${attempt}: failed (${last})`);
      }
    }
    if (attempt < cfg.attempts && cfg.intervalMs > 0) {
      // The next attempt's remote command opens now and waits for its go-ahead (its env), so
      // its sshd session and shell start during the interval, not after it. Until then it
      // runs nothing; on a cancel it is closed unused.
      const { when, go } = goAhead();
      const next = attemptCommand(when);
      next.catch(() => undefined); // awaited at the next attempt, or abandoned
      try {
        await sleep(cfg.intervalMs, undefined, { signal: s.signal });
      } catch {
        go(false);
        throw new CancelledError('health check');
      }
      go(true);
      opened = next;
    }
  }
  throw new HealthCheckFailedError(cfg.attempts, last);
}
