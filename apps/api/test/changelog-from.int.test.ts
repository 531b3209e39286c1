// GET …/changelog?from=: what a given deployment changed (from its previous version to its
// version), as the deployment page shows it, whatever the environment runs today.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWorker } from '../src/worker-app.js';
import { pushWithCommits, randomSha } from './fixtures/gitlab/gitlab-fixtures.js';
import { setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let q: HookProject;
const shas = [randomSha(), randomSha(), randomSha(), randomSha()];

beforeAll(async () => {
  t = await startTestApp();
  worker = await startTestWorker(t);
  q = await setupHookProject(t, 'from', [{ name: 'dev', rules: [{ pattern: 'main' }] }]);
  const at = (m: number) => new Date(Date.UTC(2026, 5, 1, 12, m));
  const push = pushWithCommits(
    'main',
    randomSha(),
    shas.map((sha, i) => ({ sha, title: `change ${i + 1}`, at: at(i) })),
  );
  await q.settled((await q.send(push, { event: 'Push Hook' })).body.deliveryId, { allowWaiting: true });
  await q.pushArtifact('c1', shas[0]!);
  await q.pushArtifact('c4', shas[3]!);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

const changelog = (query: string) =>
  q.admin.get(`/api/v1/projects/from/changelog?environmentId=${q.envIds.dev}&${query}`);

describe('changelog from a given version', () => {
  it('lists the commits between two versions in either direction, with nothing deployed at all', async () => {
    const fwd = await changelog('from=c1&version=c4');
    expect(fwd.status).toBe(200);
    expect(fwd.body).toMatchObject({
      running: { version: 'c1', commitSha: shas[0] },
      target: { version: 'c4', commitSha: shas[3] },
      direction: 'forward',
      complete: true,
    });
    expect(fwd.body.commits.map((c: { title: string }) => c.title)).toEqual(['change 4', 'change 3', 'change 2']);
    const back = await changelog('from=c4&version=c1');
    expect(back.body.direction).toBe('rollback');
    expect(back.body.commits.map((c: { title: string }) => c.title)).toEqual(['change 4', 'change 3', 'change 2']);
    expect((await changelog('from=c4&version=c4')).body).toMatchObject({ direction: 'same', commits: [] });
    // Without `from`: what dev runs now, which is nothing yet.
    expect((await changelog('version=c4')).body).toMatchObject({ running: null, direction: 'forward' });
  });

  it('refuses an unknown or malformed from version', async () => {
    const unknown = await changelog('from=nope&version=c4');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe('version nope not found in this project');
    expect((await changelog('from=$(id)&version=c4')).status).toBe(400);
  });
});
