// Every action on a protected environment's deployments needs what releasing there needs
// (the maintainer role; CI tokens never), checked per action. Unprotected environments
// stay open to deployers. A route-inventory check makes a new deployment action fail here
// until it is added to the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { createProject, createToken, memberClient, type ProjectFixture } from './fixtures.js';
import { TestClient, type Res } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let admin: TestClient;
let maintainer: TestClient;
let deployer: TestClient;
let ci: TestClient;
let project: ProjectFixture;
const env = { prod: '', dev: '' };
let v1 = '';
let v2 = '';

const base = () => `/api/v1/projects/${project.slug}`;
const prisma = () => t.app.get(PrismaService);

beforeAll(async () => {
  t = await startTestApp();
  admin = new TestClient(t.url);
  await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
  project = await createProject(t, 'guarded');
  maintainer = (await memberClient(t, project.id, 'maintainer')).client;
  deployer = (await memberClient(t, project.id, 'deployer')).client;
  ci = new TestClient(t.url, (await createToken(t, project.id)).token);
  const artifact = (version: string, sha: string) =>
    prisma().artifact.create({
      data: {
        projectId: project.id,
        version,
        kind: 'tarball',
        sha256: sha.repeat(64),
        sizeBytes: 10,
        storageKey: `${project.id}/${sha.repeat(64)}.tar.gz`,
      },
    });
  v1 = (await artifact('1.0.0', 'a')).id;
  v2 = (await artifact('2.0.0', 'b')).id;
  for (const [name, isProtected] of [
    ['prod', true],
    ['dev', false],
  ] as const) {
    const e = await prisma().environment.create({ data: { projectId: project.id, name, protected: isProtected } });
    env[name] = e.id;
    await prisma().target.create({
      data: {
        projectId: project.id,
        environmentId: e.id,
        name: `web-${name}`,
        kind: 'ssh',
        config: {
          host: '127.0.0.9',
          port: 22,
          user: 'deploy',
          baseDir: '/srv/app',
          appName: 'app',
          healthCheck: { type: 'none' },
        },
      },
    });
    // Two versions succeeded, so there is something to roll back to.
    for (const [artifactId, minutesAgo] of [
      [v1, 20],
      [v2, 10],
    ] as const) {
      const at = new Date(Date.now() - minutesAgo * 60_000);
      await prisma().deployment.create({
        data: {
          projectId: project.id,
          environmentId: e.id,
          artifactId,
          trigger: 'manual',
          state: 'succeeded',
          actorLabel: TEST_ADMIN.email,
          createdAt: at,
          startedAt: at,
          finishedAt: at,
        },
      });
    }
  }
});

afterAll(async () => {
  await t?.close();
});

type EnvName = keyof typeof env;
const confirmFor = (name: EnvName) => (name === 'prod' ? { confirm: 'prod' } : {});

/** A queued release on `name`, requested by the admin. */
async function queued(name: EnvName): Promise<string> {
  const res = await admin.post(`${base()}/deployments`, {
    environmentId: env[name],
    version: '2.0.0',
    ...confirmFor(name),
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

/** A cancelled one, whose hosts can be retried. */
async function cancelled(name: EnvName): Promise<string> {
  const id = await queued(name);
  expect((await admin.post(`${base()}/deployments/${id}/cancel`)).status).toBe(200);
  return id;
}

interface Action {
  route: string;
  /** Prepares what the action needs on environment `name` (as the admin); returns its subject. */
  setup(name: EnvName): Promise<string>;
  act(who: TestClient, name: EnvName, subject: string): Promise<Res<any>>;
  /** What success looks like. */
  ok: number;
}

const ACTIONS: Action[] = [
  {
    route: 'POST /api/v1/projects/{slug}/deployments',
    setup: async () => '',
    act: (who, name) =>
      who.post(`${base()}/deployments`, { environmentId: env[name], version: '1.0.0', ...confirmFor(name) }),
    ok: 201,
  },
  {
    route: 'POST /api/v1/projects/{slug}/deployments/{id}/cancel',
    setup: queued,
    act: (who, _name, id) => who.post(`${base()}/deployments/${id}/cancel`),
    ok: 200,
  },
  {
    route: 'POST /api/v1/projects/{slug}/deployments/{id}/retry',
    setup: cancelled,
    act: (who, name, id) => who.post(`${base()}/deployments/${id}/retry`, confirmFor(name)),
    ok: 201,
  },
  {
    route: 'POST /api/v1/projects/{slug}/environments/{envId}/rollback',
    setup: async () => '',
    act: (who, name) => who.post(`${base()}/environments/${env[name]}/rollback`, confirmFor(name)),
    ok: 201,
  },
];

/** Every deployment of the environment with its targets, to show that nothing changed. */
const snapshot = (name: EnvName) =>
  prisma().deployment.findMany({
    where: { environmentId: env[name] },
    include: { targets: true },
    orderBy: { id: 'asc' },
  });

describe('actions on deployments of a protected environment', () => {
  it('covers every route that acts on deployments (route inventory)', async () => {
    const doc = (await admin.get<{ paths: Record<string, Record<string, unknown>> }>('/api/docs-json')).body;
    const acting = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => m !== 'get' && (/\/deployments(\/|$)/.test(path) || /\/rollback$/.test(path)))
        // Approve and reject start nothing themselves and follow the approval rule (named
        // approvers or maintainers, never the requester, never a token): approvals.int.test.ts.
        .filter(() => !/\/deployments\/\{id\}\/(approve|reject)$/.test(path))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(acting.sort()).toEqual(ACTIONS.map((a) => a.route).sort());
  });

  for (const action of ACTIONS) {
    describe(action.route, () => {
      it('is refused to a deployer on the protected environment, and changes nothing', async () => {
        const subject = await action.setup('prod');
        const before = await snapshot('prod');
        const res = await action.act(deployer, 'prod', subject);
        expect(res.status).toBe(403);
        expect(res.body.message).toMatch(/^prod is protected: .+ needs the maintainer role$/);
        expect(await snapshot('prod')).toEqual(before);
      });

      it('is allowed to a maintainer on the protected environment', async () => {
        const res = await action.act(maintainer, 'prod', await action.setup('prod'));
        expect(res.status).toBe(action.ok);
      });

      it('stays open to a deployer on an unprotected environment', async () => {
        const res = await action.act(deployer, 'dev', await action.setup('dev'));
        expect(res.status).toBe(action.ok);
      });

      it('is never done by a CI token on the protected environment', async () => {
        const subject = await action.setup('prod');
        const before = await snapshot('prod');
        const res = await action.act(ci, 'prod', subject);
        // Release takes tokens (acting as deployer) and refuses here; the others take none.
        expect([401, 403]).toContain(res.status);
        expect(await snapshot('prod')).toEqual(before);
      });
    });
  }

  it('lets a maintainer cancel a release without typing the name, and records who did', async () => {
    const id = await queued('prod');
    const res = await maintainer.post(`${base()}/deployments/${id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    const row = await prisma().deployment.findUniqueOrThrow({ where: { id } });
    expect(row.cancelRequestedBy).toMatch(/^user-/);
  });

  it('refuses a deployer cancelling a running release on the protected environment', async () => {
    const id = await queued('prod');
    await prisma().deployment.update({ where: { id }, data: { state: 'running', startedAt: new Date() } });
    const res = await deployer.post(`${base()}/deployments/${id}/cancel`);
    expect(res.status).toBe(403);
    const row = await prisma().deployment.findUniqueOrThrow({ where: { id } });
    expect(row.cancelRequestedAt).toBeNull();
    expect(row.state).toBe('running');
    await prisma().deployment.update({ where: { id }, data: { state: 'failed', finishedAt: new Date() } });
  });
});
