// A project wired for GitLab webhooks through the real API: a webhook token, environments with
// auto-deploy rules, a CI token to push artifacts built from given commits, and helpers to
// send deliveries and wait for what became of them.
import type { WebhookDeliveryView } from '@wharf/shared';
import { loadConfig, type AppConfig } from '../src/config/app-config.js';
import { startWorker, type RunningWorker } from '../src/worker-app.js';
import { tarGz } from './fixtures.js';
import {
  gitlabHeaders,
  sendHook,
  type DeliveryHeaderOptions,
  type HookResponse,
} from './fixtures/gitlab/gitlab-fixtures.js';
import { TestClient } from './http-client.js';
import { TEST_ADMIN, type TestApp } from './test-env.js';

export interface RuleSpec {
  refType?: 'branch' | 'tag';
  pattern: string;
  event?: 'push' | 'pipeline';
  waitForArtifactSeconds?: number;
}

export interface EnvironmentSpec {
  name: string;
  rules?: RuleSpec[];
  /** Made protected after its rules were added (the API refuses rules on protected ones). */
  protectedAfterRules?: boolean;
  /** A placeholder SSH target (deployments can be created; running them fails fast). */
  placeholderTarget?: boolean;
}

export interface HookProject {
  slug: string;
  admin: TestClient;
  webhookToken: string;
  ciToken: string;
  envIds: Record<string, string>;
  send(body: unknown, headers: Omit<DeliveryHeaderOptions, 'token'> & { token?: string | null }): Promise<HookResponse>;
  pushArtifact(version: string, commit: string, message?: string): Promise<void>;
  delivery(id: string): Promise<WebhookDeliveryView>;
  /** Waits until the delivery is no longer pending (and, by default, no longer waiting). */
  settled(id: string, opts?: { allowWaiting?: boolean; timeoutMs?: number }): Promise<WebhookDeliveryView>;
  deployments(): Promise<{ id: string; version: string; trigger: string; state: string; environmentName: string }[]>;
}

export async function setupHookProject(
  t: TestApp,
  slug: string,
  environments: EnvironmentSpec[],
  admin?: TestClient,
): Promise<HookProject> {
  const client = admin ?? new TestClient(t.url);
  if (!admin) await client.login(TEST_ADMIN.email, TEST_ADMIN.password);
  ok(await client.post('/api/v1/projects', { slug, name: slug }));
  const envIds: Record<string, string> = {};
  for (const e of environments) {
    const env = ok(await client.post(`/api/v1/projects/${slug}/environments`, { name: e.name }));
    envIds[e.name] = env.id;
    for (const r of e.rules ?? []) {
      ok(
        await client.post(`/api/v1/projects/${slug}/environments/${env.id}/auto-deploy-rules`, {
          refType: 'branch',
          ...r,
        }),
      );
    }
    if (e.placeholderTarget) {
      ok(
        await client.post(`/api/v1/projects/${slug}/environments/${env.id}/targets`, {
          kind: 'ssh',
          name: 'placeholder',
          config: { host: '127.0.0.1', port: 1, user: 'deploy', baseDir: '/srv/wharf-placeholder', appName: 'app' },
        }),
      );
    }
    if (e.protectedAfterRules)
      ok(await client.patch(`/api/v1/projects/${slug}/environments/${env.id}`, { protected: true }));
  }
  const webhookToken = ok(await client.post(`/api/v1/projects/${slug}/webhook/token`)).token as string;
  const ciToken = ok(await client.post(`/api/v1/projects/${slug}/tokens`, { name: 'ci' })).token as string;
  const tarball = await tarGz([{ name: 'package.json', body: '{"name":"app"}' }]);

  const p: HookProject = {
    slug,
    admin: client,
    webhookToken,
    ciToken,
    envIds,
    send(body, headers) {
      const token = headers.token === undefined ? webhookToken : headers.token;
      return sendHook(t.url, slug, body, gitlabHeaders({ ...headers, token }));
    },
    async pushArtifact(version, commit, message = `build of ${commit.slice(0, 8)}`) {
      const q = new URLSearchParams({ version, commit, message, author: 'CI Bot', ref: 'main' });
      const res = await fetch(`${t.url}/api/v1/projects/${slug}/artifacts/tarball?${q.toString()}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ciToken}`, 'content-type': 'application/gzip' },
        body: tarball,
      });
      if (res.status !== 201) throw new Error(`push ${version} failed: ${res.status} ${await res.text()}`);
    },
    async delivery(id) {
      return ok(await client.get(`/api/v1/projects/${slug}/webhook/deliveries/${id}`)) as WebhookDeliveryView;
    },
    async settled(id, opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
      for (;;) {
        const d = await p.delivery(id);
        if (d.outcome !== 'pending' && (opts.allowWaiting || d.outcome !== 'waiting')) return d;
        if (Date.now() > deadline) throw new Error(`delivery ${id} did not settle: ${JSON.stringify(d)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async deployments() {
      const page = ok(await client.get(`/api/v1/projects/${slug}/deployments?limit=200`));
      return page.items;
    },
  };
  return p;
}

/** A worker for the test app, with webhook timings short enough for tests. */
export async function startTestWorker(t: TestApp, overrides: Record<string, string> = {}): Promise<RunningWorker> {
  return startWorker(loadConfig(workerEnv(t.config, overrides)));
}

export function workerEnv(c: AppConfig, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: c.DATABASE_URL,
    REDIS_URL: c.REDIS_URL,
    WHARF_REDIS_PREFIX: c.WHARF_REDIS_PREFIX,
    WHARF_DATA_DIR: c.WHARF_DATA_DIR,
    WHARF_SECRET_KEY: c.WHARF_SECRET_KEY,
    WHARF_AUTO_DEPLOY_SETTLE_MS: '500',
    WHARF_AUTO_DEPLOY_SWEEP_SECONDS: '1',
    WHARF_SHUTDOWN_GRACE_SECONDS: '5',
    WHARF_LOG_LEVEL: 'error',
    ...overrides,
  };
}

export function ok(res: { status: number; body: any }): any {
  if (res.status < 200 || res.status > 299)
    throw new Error(`expected 2xx, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
