// `release --wait`: follows a deployment by polling the REST API, printing each stored log
// line once, in order. Lines have a dense per-deployment seq, and every poll asks for the
// lines after the last one printed, so a dropped connection (or a restarted server) costs a
// retry, never a gap or a repeat. Polling rather than the dashboard's socket keeps the CLI
// one file with no dependencies, and each poll is a short request a proxy cannot stall.
import type { DeploymentView, LogLineView } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import type { HttpResponse, WharfHttpClient } from '../http-client.js';
import { formatLogLine } from '../log-lines.js';

/** Lines per request; a full page is followed by the next one at once. */
export const LOG_PAGE = 1000;
const POLL_MS = 1000;
/** A single request gives up after this much silence (the wait as a whole has its own deadline). */
const REQUEST_TIMEOUT_MS = 30_000;

export const isFinished = (state: DeploymentView['state']) =>
  state === 'succeeded' ||
  state === 'failed' ||
  state === 'cancelled' ||
  // Never approved: it will not run.
  state === 'rejected' ||
  state === 'expired';

/** A failure worth retrying while the wait lasts: the network, or a 5xx from the server or a proxy. */
class TransientError extends CliError {}

export interface FollowOptions {
  /** A client for a request that may take `timeoutMs` (the deadline shortens the last ones). */
  client: (timeoutMs: number) => WharfHttpClient;
  project: string;
  deployment: DeploymentView;
  /** Date.now() value when waiting stops. */
  deadline: number;
  /** One log line, already formatted (no newline). */
  line: (text: string) => void;
  /** A note for the person (stderr). */
  notice: (text: string) => void;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type FollowResult =
  | { kind: 'finished'; deployment: DeploymentView }
  | { kind: 'timeout'; deployment: DeploymentView; unreachableSince: Date | null; lastError: string | null };

export async function followDeployment(o: FollowOptions): Promise<FollowResult> {
  const base = `/api/v1/projects/${encodeURIComponent(o.project)}/deployments/${encodeURIComponent(o.deployment.id)}`;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const pollMs = o.pollMs ?? POLL_MS;
  let view = o.deployment;
  let afterSeq = 0;
  let finished = false;
  let unreachableSince: Date | null = null;
  let lastError: string | null = null;
  let toldWaiting = false;

  const get = async (path: string, query: Record<string, number>, action: string): Promise<unknown> => {
    const left = o.deadline - Date.now();
    let res: HttpResponse;
    try {
      res = await o.client(Math.max(1000, Math.min(REQUEST_TIMEOUT_MS, left))).getJson(path, query);
    } catch (err) {
      if (err instanceof CliError && err.exitCode === EXIT.network) throw new TransientError(EXIT.network, err.message);
      throw err;
    }
    if (res.status >= 500) throw new TransientError(EXIT.server, `${action}: the server answered ${res.status}`);
    return expectJson(res, 200, action);
  };

  for (;;) {
    try {
      // Every line stored so far, page by page.
      for (;;) {
        const page = await get(`${base}/logs`, { afterSeq, limit: LOG_PAGE }, 'reading the log');
        if (!Array.isArray(page)) throw new CliError(EXIT.server, "reading the log: the server's answer is not a list");
        if (unreachableSince) {
          o.notice(`connection to the server is back; continuing the log after line ${afterSeq}`);
          unreachableSince = null;
        }
        const names = new Map(view.targets.flatMap((t) => (t.targetId ? [[t.targetId, t.targetName] as const] : [])));
        for (const raw of page as LogLineView[]) {
          // Never print a line twice, whatever the server sends.
          if (typeof raw.seq !== 'number' || raw.seq <= afterSeq) continue;
          o.line(formatLogLine(raw, names, view.targets.length > 1));
          afterSeq = raw.seq;
        }
        if (page.length < LOG_PAGE) break;
      }
      // The worker stores the whole log before it marks the deployment finished, so one more
      // pass after seeing the final state prints the last lines.
      if (finished) return { kind: 'finished', deployment: view };
      view = requireFields<DeploymentView>(await get(base, {}, 'reading the deployment'), ['state', 'targets'], 'wait');
      if (isFinished(view.state)) {
        finished = true;
        continue;
      }
      if (view.state === 'awaiting_approval' && view.approval && !toldWaiting) {
        toldWaiting = true;
        o.notice(
          `waiting for approval: ${view.approval.received} of ${view.approval.required} so far` +
            (view.approval.expiresAt ? `, expires at ${view.approval.expiresAt}` : ''),
        );
      }
    } catch (err) {
      if (!(err instanceof TransientError)) throw err;
      lastError = oneLine(err.message, 300);
      if (!unreachableSince) {
        unreachableSince = new Date();
        o.notice(`${lastError}; retrying (the deployment goes on without us)`);
      }
    }
    const left = o.deadline - Date.now();
    if (left <= 0) return { kind: 'timeout', deployment: view, unreachableSince, lastError };
    await sleep(Math.min(unreachableSince ? pollMs * 2 : pollMs, left));
  }
}
