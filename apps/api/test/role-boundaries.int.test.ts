// Who may call each project route, as a reviewed table (not read back from the decorators):
// the least project role, and whether a CI token is taken (and with which scope). Every
// documented project route must be in the table, so a new route is classified on purpose,
// and a route whose rule drifts (say, secret-bearing reads such as credentials, tokens or
// variables opened to viewers) fails here. Checked from outside: viewers, deployers and
// maintainers of the project and a CI token of it call every route; the guard runs before
// any parameter is read, so placeholder ids are enough.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectRole } from '@wharf/shared';
import { createProject, createToken, memberClient, type ProjectFixture } from './fixtures.js';
import { TestClient } from './http-client.js';
import { operations, type OpenApiDocument } from './openapi-samples.js';
import { startTestApp, type TestApp } from './test-env.js';

type TokenRule = 'no' | 'read' | 'artifacts:push' | 'release';
const V: ProjectRole = 'viewer';
const D: ProjectRole = 'deployer';
const M: ProjectRole = 'maintainer';

/** `METHOD path` (as in the OpenAPI document) → [least role, CI tokens]. */
const TABLE: Record<string, [ProjectRole, TokenRule]> = {
  'GET /api/v1/projects/{slug}': [V, 'no'],
  'PATCH /api/v1/projects/{slug}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}': [M, 'no'],
  'GET /api/v1/projects/{slug}/members': [V, 'no'],
  'PUT /api/v1/projects/{slug}/members': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/members/{userId}': [M, 'no'],
  // Secret-bearing or secret-making: maintainers only.
  'GET /api/v1/projects/{slug}/credentials': [M, 'no'],
  'POST /api/v1/projects/{slug}/credentials': [M, 'no'],
  'PUT /api/v1/projects/{slug}/credentials/{id}/secret': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/credentials/{id}': [M, 'no'],
  'GET /api/v1/projects/{slug}/tokens': [M, 'no'],
  'POST /api/v1/projects/{slug}/tokens': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/tokens/{id}': [M, 'no'],
  'GET /api/v1/projects/{slug}/environments/{envId}/variables': [M, 'no'],
  'PUT /api/v1/projects/{slug}/environments/{envId}/variables': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/environments/{envId}/variables/{name}': [M, 'no'],
  'GET /api/v1/projects/{slug}/targets/{targetId}/variables': [M, 'no'],
  'PUT /api/v1/projects/{slug}/targets/{targetId}/variables': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/targets/{targetId}/variables/{name}': [M, 'no'],
  'POST /api/v1/projects/{slug}/webhook/token': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/webhook': [M, 'no'],
  // Configuration: read by viewers, changed by maintainers.
  'GET /api/v1/projects/{slug}/environments': [V, 'no'],
  'POST /api/v1/projects/{slug}/environments': [M, 'no'],
  'PATCH /api/v1/projects/{slug}/environments/{envId}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/environments/{envId}': [M, 'no'],
  'GET /api/v1/projects/{slug}/environments/{envId}/settings': [V, 'no'],
  'PATCH /api/v1/projects/{slug}/environments/{envId}/settings': [M, 'no'],
  'PUT /api/v1/projects/{slug}/environments/{envId}/log-retention': [M, 'no'],
  'PUT /api/v1/projects/{slug}/environments/{envId}/approval-rule': [M, 'no'],
  'PUT /api/v1/projects/{slug}/environments/{envId}/promotion-rule': [M, 'no'],
  'GET /api/v1/projects/{slug}/environments/{envId}/release-check': [V, 'no'],
  'GET /api/v1/projects/{slug}/targets': [V, 'no'],
  'POST /api/v1/projects/{slug}/environments/{envId}/targets': [M, 'no'],
  'PATCH /api/v1/projects/{slug}/targets/{targetId}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/targets/{targetId}': [M, 'no'],
  'POST /api/v1/projects/{slug}/targets/{targetId}/test-connection': [M, 'no'],
  'PUT /api/v1/projects/{slug}/targets/{targetId}/host-key': [M, 'no'],
  'GET /api/v1/projects/{slug}/freeze-windows': [V, 'no'],
  'POST /api/v1/projects/{slug}/freeze-windows': [M, 'no'],
  'PUT /api/v1/projects/{slug}/freeze-windows/{windowId}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/freeze-windows/{windowId}': [M, 'no'],
  'GET /api/v1/projects/{slug}/notifications': [V, 'no'],
  'POST /api/v1/projects/{slug}/notifications': [M, 'no'],
  'PATCH /api/v1/projects/{slug}/notifications/{id}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/notifications/{id}': [M, 'no'],
  'POST /api/v1/projects/{slug}/notifications/{id}/test': [M, 'no'],
  'GET /api/v1/projects/{slug}/notifications/{id}/deliveries': [V, 'no'],
  'GET /api/v1/projects/{slug}/webhook': [V, 'no'],
  'GET /api/v1/projects/{slug}/webhook/deliveries': [V, 'no'],
  'GET /api/v1/projects/{slug}/webhook/deliveries/{id}': [V, 'no'],
  'GET /api/v1/projects/{slug}/auto-deploy-rules': [V, 'no'],
  'POST /api/v1/projects/{slug}/environments/{envId}/auto-deploy-rules': [M, 'no'],
  'PATCH /api/v1/projects/{slug}/auto-deploy-rules/{ruleId}': [M, 'no'],
  'DELETE /api/v1/projects/{slug}/auto-deploy-rules/{ruleId}': [M, 'no'],
  'GET /api/v1/projects/{slug}/artifact-retention': [V, 'no'],
  'PUT /api/v1/projects/{slug}/artifact-retention': [M, 'no'],
  'GET /api/v1/projects/{slug}/artifact-retention/preview': [V, 'no'],
  // History: read by viewers (and by the project's CI tokens where the CLI needs it).
  'GET /api/v1/projects/{slug}/metrics': [V, 'no'],
  'GET /api/v1/projects/{slug}/releases': [V, 'no'],
  'GET /api/v1/projects/{slug}/releases/export.csv': [V, 'no'],
  'GET /api/v1/projects/{slug}/audit': [V, 'no'],
  'GET /api/v1/projects/{slug}/audit/export.csv': [V, 'no'],
  'GET /api/v1/projects/{slug}/changelog': [V, 'read'],
  'GET /api/v1/projects/{slug}/environment-status': [V, 'read'],
  'GET /api/v1/projects/{slug}/deployments': [V, 'read'],
  'GET /api/v1/projects/{slug}/deployments/{id}': [V, 'read'],
  'GET /api/v1/projects/{slug}/deployments/{id}/logs': [V, 'read'],
  'GET /api/v1/projects/{slug}/deployments/{id}/logs/search': [V, 'read'],
  'GET /api/v1/projects/{slug}/deployments/{id}/logs/download': [V, 'read'],
  'GET /api/v1/projects/{slug}/artifacts': [V, 'read'],
  'GET /api/v1/projects/{slug}/artifacts/{version}': [V, 'read'],
  'GET /api/v1/projects/{slug}/artifacts/{version}/download': [V, 'read'],
  'DELETE /api/v1/projects/{slug}/artifacts/{version}': [M, 'no'],
  // Releasing.
  'POST /api/v1/projects/{slug}/artifacts/tarball': [D, 'artifacts:push'],
  'POST /api/v1/projects/{slug}/artifacts/image': [D, 'artifacts:push'],
  'POST /api/v1/projects/{slug}/deployments': [D, 'release'],
  'POST /api/v1/projects/{slug}/deployments/{id}/cancel': [D, 'no'],
  'POST /api/v1/projects/{slug}/deployments/{id}/retry': [D, 'no'],
  'POST /api/v1/projects/{slug}/environments/{envId}/rollback': [D, 'no'],
  // Approvers may be named viewers; the service checks who (approvals.int.test.ts).
  'POST /api/v1/projects/{slug}/deployments/{id}/approve': [V, 'no'],
  'POST /api/v1/projects/{slug}/deployments/{id}/reject': [V, 'no'],
};

const RANK: Record<ProjectRole, number> = { viewer: 0, deployer: 1, maintainer: 2 };

let t: TestApp;
let project: ProjectFixture;
let doc: OpenApiDocument;
const members = {} as Record<ProjectRole, TestClient>;
let token: TestClient;
let pushOnly: TestClient;

beforeAll(async () => {
  t = await startTestApp();
  project = await createProject(t);
  for (const role of [V, D, M]) members[role] = (await memberClient(t, project.id, role)).client;
  token = new TestClient(t.url, (await createToken(t, project.id)).token);
  const { PrismaService } = await import('../src/prisma/prisma.service.js');
  const push = await createToken(t, project.id, 'push-only');
  await t.app.get(PrismaService).apiToken.update({ where: { id: push.id }, data: { scopes: ['artifacts:push'] } });
  pushOnly = new TestClient(t.url, push.token);
  doc = (await fetch(`${t.url}/api/docs-json`).then((r) => r.json())) as OpenApiDocument;
});
afterAll(async () => {
  await t?.close();
});

function pathOf(template: string): string {
  return template
    .replace('{slug}', project.slug)
    .replace('{version}', '9.9.9')
    .replace('{name}', 'NO_SUCH_VARIABLE')
    .replace(/\{[A-Za-z]+\}/g, '00000000-0000-4000-8000-000000000000');
}

/** Refused by the access rule (not by the handler after it ran). */
function refusedByRule(res: { status: number; body: any }): string | null {
  const message = String(res.body?.message ?? '');
  if (res.status === 401) return `401 ${message}`;
  if (res.status === 403 && /^needs the \w+ role|lacks the .* scope/.test(message)) return `403 ${message}`;
  return null;
}

describe('role boundaries on every project route', () => {
  it('classifies every documented project route, and nothing else', () => {
    const documented = operations(doc)
      .filter((o) => o.path.startsWith('/api/v1/projects/{slug}'))
      .map((o) => o.key);
    expect(documented.filter((k) => !(k in TABLE))).toEqual([]);
    expect(Object.keys(TABLE).filter((k) => !documented.includes(k))).toEqual([]);
  });

  it('lets each role and each token through exactly where the table says', async () => {
    const wrong: string[] = [];
    for (const [key, [least, tokens]] of Object.entries(TABLE)) {
      const [method, template] = key.split(' ') as [string, string];
      // Refusals happen before the body is read: send none, with the type the route reads.
      const type = template.endsWith('/tarball') ? 'application/gzip' : 'application/json';
      const headers: Record<string, string> = method === 'GET' ? {} : { 'content-type': type };
      const path = pathOf(template) + (template.endsWith('/tarball') ? '?version=9.9.9' : '');
      for (const role of [V, D, M]) {
        const res = await members[role].request(method, path, undefined, headers);
        const refused = refusedByRule(res);
        const expected = RANK[role] < RANK[least];
        if (expected !== (refused !== null)) wrong.push(`${role} ${key} -> ${res.status} ${refused ?? ''}`);
      }
      for (const [name, client, scopes] of [
        ['token', token, ['artifacts:push', 'release']],
        ['push-only token', pushOnly, ['artifacts:push']],
      ] as const) {
        const res = await client.request(method, path, undefined, headers);
        const refused = refusedByRule(res);
        const expected = tokens === 'no' || (tokens !== 'read' && !(scopes as readonly string[]).includes(tokens));
        if (expected !== (refused !== null)) wrong.push(`${name} ${key} -> ${res.status} ${refused ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
