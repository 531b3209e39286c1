// Notification delivery retention against a real database: the worker's sweeper (resolved from
// the worker's own module, not started, so no relay or queue touches the seeded rows) deletes
// sent and failed deliveries older than WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS, keeps
// newer ones and every pending one, however old.
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonLogger } from '../src/common/json-logger.js';
import { loadConfig } from '../src/config/app-config.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { NotificationRetentionSweeper } from '../src/worker/notification-retention-sweeper.service.js';
import { WorkerModule } from '../src/worker/worker.module.js';
import { createProject } from './fixtures.js';
import { startTestApp, type TestApp } from './test-env.js';
import { workerEnv } from './webhook-fixture.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let t: TestApp;
let worker: INestApplicationContext;
let subscriptionId: string;
let nextAuditId = 1n;

const prisma = () => t.app.get(PrismaService);

/** A delivery created `ageDays` ago in `state`; returns its id. */
async function delivery(state: 'pending' | 'sent' | 'failed', ageDays: number): Promise<string> {
  const createdAt = new Date(Date.now() - ageDays * DAY_MS);
  const row = await prisma().notificationDelivery.create({
    data: {
      subscriptionId,
      auditEventId: nextAuditId++,
      event: 'succeeded',
      state,
      attempts: state === 'pending' ? 0 : 1,
      createdAt,
      sentAt: state === 'sent' ? createdAt : null,
    },
  });
  return row.id;
}

beforeAll(async () => {
  t = await startTestApp();
  // The worker's module with a 7-day retention, built but not started.
  const config = loadConfig(workerEnv(t.config, { WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS: '7' }));
  worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, new JsonLogger('error')), {
    logger: false,
  });
  const project = await createProject(t);
  subscriptionId = (
    await prisma().notificationSubscription.create({
      data: {
        projectId: project.id,
        name: 'chat',
        channel: 'webhook',
        urlSealed: Buffer.from('not a real sealed url'),
        urlHint: 'https://chat.example',
        events: ['succeeded'],
      },
    })
  ).id;
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await t?.close();
});

describe('notification delivery retention', () => {
  it('defaults to 30 days', () => {
    expect(t.config.WHARF_NOTIFICATION_DELIVERY_RETENTION_DAYS).toBe(30);
  });

  it('one sweep deletes finished deliveries past the retention and keeps the rest', async () => {
    const old = [await delivery('sent', 40), await delivery('failed', 40), await delivery('sent', 8)];
    const kept = [
      await delivery('sent', 6),
      await delivery('failed', 1),
      await delivery('sent', 0),
      // Still being delivered: the relay's, whatever its age.
      await delivery('pending', 40),
    ];

    await worker.get(NotificationRetentionSweeper).sweep();

    const left = await prisma().notificationDelivery.findMany({ where: { subscriptionId }, select: { id: true } });
    expect(left.map((r) => r.id).sort()).toEqual([...kept].sort());
    for (const id of old) expect(left.some((r) => r.id === id)).toBe(false);
    // The subscription itself stays.
    expect(await prisma().notificationSubscription.count({ where: { id: subscriptionId } })).toBe(1);

    // A second sweep finds nothing more to delete.
    await worker.get(NotificationRetentionSweeper).sweep();
    expect(await prisma().notificationDelivery.count({ where: { subscriptionId } })).toBe(kept.length);
  });
});
