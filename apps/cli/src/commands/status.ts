// `wharf status`: what version runs in each environment, and what is queued or running.
import type { DeploymentView, EnvironmentStatusView, Page } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import type { StatusOptions } from '../args.js';
import { resolveServer } from '../config.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { WharfHttpClient } from '../http-client.js';
import { renderTable } from './artifact-list.js';
import { warnIfPlainHttp, type CommandContext } from './context.js';

/** One deployment that is queued or running. */
export interface StatusInFlight {
  deploymentId: string;
  version: string;
  state: 'running' | 'queued';
  trigger: string;
  actor: string;
  createdAt: string;
}

/**
 * `wharf status --json`. A stable shape: fields are only ever added, never renamed or removed
 * (documented in apps/cli/README.md).
 */
export interface StatusJson {
  project: string;
  environments: {
    name: string;
    id: string;
    protected: boolean;
    /** The version the environment runs: its latest succeeded deployment, or null. */
    running: { version: string; deploymentId: string; finishedAt: string; actor: string } | null;
    /** Running first, then queued ones in the order they will run. */
    inFlight: StatusInFlight[];
  }[];
}

const projectPath = (project: string) => `/api/v1/projects/${encodeURIComponent(project)}`;

export async function fetchEnvironmentStatus(
  client: WharfHttpClient,
  project: string,
): Promise<EnvironmentStatusView[]> {
  const json = expectJson(await client.getJson(`${projectPath(project)}/environment-status`), 200, 'status');
  if (!Array.isArray(json)) {
    throw new CliError(
      EXIT.server,
      "status: the server's answer is not the expected shape (is WHARF_URL a Wharf server?)",
    );
  }
  return json.map((e) => requireFields<EnvironmentStatusView>(e, ['environmentId', 'environmentName'], 'status'));
}

/** Every deployment of the project in `state`, following cursors (a queue is short; capped anyway). */
async function deploymentsIn(
  client: WharfHttpClient,
  project: string,
  state: 'running' | 'queued',
): Promise<DeploymentView[]> {
  const out: DeploymentView[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.getJson(`${projectPath(project)}/deployments`, { state, limit: 200, cursor });
    const body = requireFields<Page<DeploymentView>>(expectJson(res, 200, 'status'), ['items'], 'status');
    out.push(...body.items);
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  return out;
}

export function buildStatus(
  project: string,
  environments: EnvironmentStatusView[],
  active: DeploymentView[],
): StatusJson {
  const order = (d: DeploymentView) => (d.state === 'running' ? 0 : 1);
  return {
    project,
    environments: environments.map((e) => ({
      name: e.environmentName,
      id: e.environmentId,
      protected: e.protected,
      running: e.current
        ? {
            version: e.current.version,
            deploymentId: e.current.deploymentId,
            finishedAt: e.current.finishedAt,
            actor: e.current.actor,
          }
        : null,
      inFlight: active
        .filter((d) => d.environmentId === e.environmentId && (d.state === 'running' || d.state === 'queued'))
        .sort((a, b) => order(a) - order(b) || a.createdAt.localeCompare(b.createdAt))
        .map((d) => ({
          deploymentId: d.id,
          version: d.version,
          state: d.state as 'running' | 'queued',
          trigger: d.trigger,
          actor: d.actor,
          createdAt: d.createdAt,
        })),
    })),
  };
}

const minutes = (iso: string) => (iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso);

export function renderStatus(status: StatusJson): string {
  if (status.environments.length === 0) return `no environments in ${status.project}`;
  const rows = status.environments.map((e) => [
    e.protected ? `${oneLine(e.name, 63)} (protected)` : oneLine(e.name, 63),
    e.running ? oneLine(e.running.version, 60) : '-',
    e.running ? minutes(e.running.finishedAt) : '-',
    e.inFlight.length === 0
      ? '-'
      : e.inFlight.map((d) => `${d.state} ${oneLine(d.version, 60)} (${d.deploymentId.slice(0, 8)})`).join(', '),
  ]);
  return renderTable(['ENVIRONMENT', 'RUNNING', 'SINCE', 'QUEUED OR RUNNING'], rows);
}

export async function status(opts: StatusOptions, ctx: CommandContext): Promise<void> {
  const server = resolveServer(opts.url, ctx.env);
  warnIfPlainHttp(server.baseUrl, ctx);
  const client = new WharfHttpClient(server, opts.timeoutMs);
  const environments = await fetchEnvironmentStatus(client, opts.project);
  const active = [
    ...(await deploymentsIn(client, opts.project, 'running')),
    ...(await deploymentsIn(client, opts.project, 'queued')),
  ];
  const result = buildStatus(opts.project, environments, active);
  ctx.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${renderStatus(result)}\n`);
}
