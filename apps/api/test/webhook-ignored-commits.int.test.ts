// The worker's path for deliveries no rule matches (most of them): one read of the delivery
// with its project's rules, then one statement that settles it as ignored and records the
// commits its push listed. Checks both halves of that statement, and that two workers looking
// at one delivery settle it once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service.js';
import type { RunningWorker } from '../src/worker-app.js';
import { AutoDeployer } from '../src/webhooks/auto-deployer.service.js';
import { pushWithCommits, randomSha, tagPushPayload } from './fixtures/gitlab/gitlab-fixtures.js';
import { setupHookProject, startTestWorker, type HookProject } from './webhook-fixture.js';
import { startTestApp, type TestApp } from './test-env.js';

let t: TestApp;
let worker: RunningWorker;
let p: HookProject;

beforeAll(async () => {
  t = await startTestApp();
  worker = await startTestWorker(t);
  p = await setupHookProject(t, 'ignored', [{ name: 'dev', rules: [{ pattern: 'main' }] }]);
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

const prisma = () => t.app.get(PrismaService);
const at = (m: number) => new Date(Date.UTC(2026, 2, 1, 9, m));

describe('deliveries no rule matches', () => {
  it('are settled as ignored with the reason, and the commits their push listed are recorded', async () => {
    const shas = [randomSha(), randomSha()];
    const before = randomSha();
    const push = pushWithCommits('feature/x', before, [
      { sha: shas[0]!, title: 'first change', at: at(1) },
      { sha: shas[1]!, title: 'second change', at: at(2) },
    ]);
    const sent = await p.send(push, { event: 'Push Hook' });
    expect(sent.status).toBe(202);
    const d = await p.settled(sent.body.deliveryId);
    expect(d.outcome).toBe('ignored');
    expect(d.reason).toMatch(/feature\/x/);
    const { id: projectId } = await prisma().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const commits = await prisma().commit.findMany({ where: { projectId }, orderBy: { authoredAt: 'asc' } });
    expect(commits.map((c) => [c.sha, c.title, c.parentSha, c.authoredAt?.toISOString()])).toEqual([
      [shas[0], 'first change', before, at(1).toISOString()],
      [shas[1], 'second change', shas[0], at(2).toISOString()],
    ]);
  });

  it('a tag push (no commits listed) is settled as ignored too', async () => {
    const sent = await p.send(tagPushPayload('build-1', randomSha()), { event: 'Tag Push Hook' });
    expect(sent.status).toBe(202);
    expect((await p.settled(sent.body.deliveryId)).outcome).toBe('ignored');
  });

  it('two workers processing the same delivery at once settle it once and record its commits once', async () => {
    // Recorded directly as pending (no job), then processed twice concurrently.
    const sha = randomSha();
    const { id: projectId } = await prisma().project.findUniqueOrThrow({ where: { slug: p.slug } });
    const push = pushWithCommits('feature/y', randomSha(), [{ sha, title: 'only change', at: at(5) }]);
    const delivery = await prisma().webhookDelivery.create({
      data: {
        projectId,
        event: 'Push Hook',
        kind: 'push',
        ref: push.ref,
        sha,
        idempotencyKey: `direct-${sha}`,
        details: {
          commits: [
            {
              sha,
              parentSha: null,
              title: 'only change',
              authorName: null,
              authorEmail: null,
              authoredAt: at(5).toISOString(),
              url: null,
            },
          ],
        },
      },
    });
    const deployer = worker.app.get(AutoDeployer);
    await Promise.all([deployer.processDelivery(delivery.id), deployer.processDelivery(delivery.id)]);
    const after = await prisma().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(after.outcome).toBe('ignored');
    expect(after.processedAt).not.toBeNull();
    expect(await prisma().commit.count({ where: { projectId, sha } })).toBe(1);
  });
});
