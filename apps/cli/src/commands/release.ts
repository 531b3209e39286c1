// `wharf release`: asks Wharf to release a version to an environment (by name), and with
// --wait follows it to the end: the log on stdout as it is written, a summary on stderr, and
// an exit code that says how it ended.
import { randomUUID } from 'node:crypto';
import type { DeploymentView } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import type { ReleaseOptions } from '../args.js';
import { resolveServer, type ServerConfig } from '../config.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { WharfHttpClient, type HttpResponse } from '../http-client.js';
import { warnIfPlainHttp, type CommandContext } from './context.js';
import { followDeployment } from './release-follow.js';
import { fetchEnvironmentStatus } from './status.js';

/** The deployment's page in the dashboard (keeps a path prefix of WHARF_URL). */
export function deploymentPageUrl(server: ServerConfig, project: string, id: string): string {
  const url = new URL(server.baseUrl.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/projects/${encodeURIComponent(project)}/deployments/${encodeURIComponent(id)}`;
  return url.href;
}

async function resolveEnvironment(client: WharfHttpClient, project: string, name: string): Promise<string> {
  const environments = await fetchEnvironmentStatus(client, project);
  const env = environments.find((e) => e.environmentName === name);
  if (!env) {
    const known = environments.map((e) => oneLine(e.environmentName, 63)).join(', ') || 'none';
    throw new CliError(EXIT.rejected, `project ${project} has no environment "${name}" (environments: ${known})`);
  }
  return env.environmentId;
}

function seconds(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const s = (Date.parse(to) - Date.parse(from)) / 1000;
  return Number.isFinite(s) ? ` in ${s.toFixed(1)}s` : '';
}

/** Attempts at the release request when the network or the server (5xx) fails. */
const RELEASE_ATTEMPTS = 3;

/**
 * Asks for the release, repeating the request when its answer is lost. One Idempotency-Key
 * for every attempt, so the server creates one deployment however many of them reached it.
 */
async function requestRelease(
  client: WharfHttpClient,
  project: string,
  body: { environmentId: string; version: string },
  ctx: CommandContext,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<HttpResponse> {
  const headers = { 'Idempotency-Key': `wharf-cli:${randomUUID()}` };
  const path = `/api/v1/projects/${encodeURIComponent(project)}/deployments`;
  for (let attempt = 1; ; attempt++) {
    let outcome: HttpResponse | CliError;
    try {
      outcome = await client.postJson(path, body, headers);
      if (outcome.status < 500) return outcome;
    } catch (err) {
      if (!(err instanceof CliError) || err.exitCode !== EXIT.network) throw err;
      outcome = err;
    }
    if (attempt >= RELEASE_ATTEMPTS) {
      if (outcome instanceof CliError) throw outcome;
      return outcome;
    }
    const why = outcome instanceof CliError ? outcome.message : `HTTP ${outcome.status}`;
    ctx.stderr.write(
      `wharf: release request failed (${why}); asking again (the same request, never a second release)\n`,
    );
    await sleep(1000 * attempt);
  }
}

export async function release(opts: ReleaseOptions, ctx: CommandContext): Promise<void> {
  const server = resolveServer(opts.url, ctx.env);
  warnIfPlainHttp(server.baseUrl, ctx);
  const requestTimeout = opts.waitMs === null ? opts.timeoutMs : Math.min(opts.waitMs, opts.timeoutMs);
  const client = new WharfHttpClient(server, requestTimeout);
  const started = Date.now();

  const environmentId = await resolveEnvironment(client, opts.project, opts.env);
  const res = await requestRelease(client, opts.project, { environmentId, version: opts.version }, ctx);
  const created = requireFields<DeploymentView>(
    expectJson(res, res.status === 200 ? 200 : 201, 'release'),
    ['id', 'state', 'targets'],
    'release',
  );
  const page = deploymentPageUrl(server, opts.project, created.id);
  const what = `${opts.project} ${opts.version} to ${opts.env}`;

  if (opts.waitMs === null) {
    ctx.stdout.write(`requested ${what}: deployment ${created.id} is ${created.state} (${page})\n`);
    return;
  }

  ctx.stderr.write(`wharf: releasing ${what}: deployment ${created.id} (${page})\n`);
  const result = await followDeployment({
    client: (ms) => new WharfHttpClient(server, ms),
    project: opts.project,
    deployment: created,
    deadline: started + opts.waitMs,
    line: (text) => ctx.stdout.write(`${text}\n`),
    notice: (text) => ctx.stderr.write(`wharf: ${text}\n`),
  });
  const d = result.deployment;
  if (result.kind === 'timeout') {
    const silent = result.unreachableSince
      ? `; the server has not answered since ${result.unreachableSince.toISOString()} (${result.lastError ?? 'no answer'})`
      : '';
    throw new CliError(
      EXIT.waitTimeout,
      `stopped waiting after ${Math.round(opts.waitMs / 1000)}s: deployment ${d.id} is ${d.state} and keeps going${silent} (${page})`,
    );
  }
  const summary = `deployment ${d.id} ${d.state}: ${opts.project} ${d.version} on ${d.environmentName}, ${d.targets.length} target(s)${seconds(d.startedAt, d.finishedAt)}`;
  switch (d.state) {
    case 'succeeded':
      ctx.stderr.write(`wharf: ${summary}\n`);
      return;
    case 'failed':
      throw new CliError(EXIT.deploymentFailed, `${summary}: ${oneLine(d.error ?? 'a target failed')} (${page})`);
    case 'cancelled':
      throw new CliError(EXIT.deploymentCancelled, `${summary}: ${oneLine(d.error ?? 'cancelled')} (${page})`);
    // Not approved (rejected, or expired waiting): it never ran, like a cancelled one.
    case 'rejected':
    case 'expired':
      throw new CliError(EXIT.deploymentCancelled, `${summary}: ${oneLine(d.error ?? d.state)} (${page})`);
    default:
      throw new CliError(EXIT.server, `deployment ${d.id} ended in an unknown state ${oneLine(String(d.state), 40)}`);
  }
}
