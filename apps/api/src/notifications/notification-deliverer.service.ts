// Sends one delivery from the outbox (a queue job per delivery): loads it, skips it unless it is
// still pending, builds the release message from the deployment and the audit event, sends it
// and records the outcome. A failed attempt is written down and thrown, so BullMQ retries it
// with backoff; the last failed attempt marks the delivery failed and shows the error on the
// subscription. Nothing here can hold up or fail a release: it runs after the fact, in its own queue.
import { Inject, Injectable } from '@nestjs/common';
import type { ReleaseEvent } from '@wharf/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ReleaseMessage } from './notification-channels.js';
import { NotificationSendError, NotificationSender } from './notification-sender.service.js';

/** Attempts per delivery: with the default 10 s base, retries span about five minutes. */
export const NOTIFICATION_ATTEMPTS = 6;

/** Longest error text kept (the receiver's answer can be long). */
const MAX_ERROR = 500;

export type DeliveryOutcome = 'sent' | 'skipped' | 'retry' | 'failed';

export function deploymentPageUrl(publicUrl: string, slug: string, deploymentId: string): string {
  return `${publicUrl}/projects/${encodeURIComponent(slug)}/deployments/${deploymentId}`;
}

@Injectable()
export class NotificationDeliverer {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sender: NotificationSender,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `attempt` counts from 1. Throws after recording a failed attempt that will be retried;
   * returns 'failed' (without throwing) when no attempt is left or retrying cannot help.
   */
  async deliver(deliveryId: string, attempt: number, maxAttempts = NOTIFICATION_ATTEMPTS): Promise<DeliveryOutcome> {
    const delivery = await this.prisma.notificationDelivery.findUnique({
      where: { id: deliveryId },
      include: { subscription: { include: { project: { select: { slug: true, name: true } } } } },
    });
    if (!delivery || delivery.state !== 'pending') return 'skipped';
    const sub = delivery.subscription;
    if (!sub.enabled) {
      await this.fail(deliveryId, sub.id, attempt, 'the subscription was turned off before this was sent', false);
      return 'failed';
    }
    try {
      const message = await this.message(delivery, sub.project);
      await this.sender.send(sub, message);
    } catch (err) {
      const error = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR);
      const last = attempt >= maxAttempts || (err instanceof NotificationSendError && err.permanent);
      await this.fail(deliveryId, sub.id, attempt, error, !last);
      if (last) return 'failed';
      throw new NotificationSendError(error);
    }
    const now = new Date();
    await this.prisma.$transaction([
      this.prisma.notificationDelivery.updateMany({
        where: { id: deliveryId, state: 'pending' },
        data: { state: 'sent', attempts: attempt, sentAt: now, lastError: null },
      }),
      this.prisma.notificationSubscription.update({ where: { id: sub.id }, data: { lastSentAt: now } }),
    ]);
    return 'sent';
  }

  private async fail(deliveryId: string, subscriptionId: string, attempt: number, error: string, willRetry: boolean) {
    if (willRetry) {
      await this.prisma.notificationDelivery.updateMany({
        where: { id: deliveryId, state: 'pending' },
        data: { attempts: attempt, lastError: error },
      });
      return;
    }
    await this.prisma.$transaction([
      this.prisma.notificationDelivery.updateMany({
        where: { id: deliveryId, state: 'pending' },
        data: { state: 'failed', attempts: attempt, lastError: error },
      }),
      this.prisma.notificationSubscription.update({
        where: { id: subscriptionId },
        data: { lastError: error, lastErrorAt: new Date() },
      }),
    ]);
  }

  private async message(
    delivery: { id: string; event: string; deploymentId: string | null; auditEventId: bigint; createdAt: Date },
    project: { slug: string; name: string },
  ): Promise<ReleaseMessage> {
    const [event, deployment] = await Promise.all([
      this.prisma.auditEvent.findUnique({
        where: { id: delivery.auditEventId },
        select: { actorLabel: true, data: true, at: true },
      }),
      delivery.deploymentId
        ? this.prisma.deployment.findUnique({
            where: { id: delivery.deploymentId },
            select: {
              id: true,
              state: true,
              actorLabel: true,
              error: true,
              freezeOverrideReason: true,
              environment: { select: { name: true } },
              artifact: { select: { version: true } },
              previousArtifact: { select: { version: true } },
            },
          })
        : null,
    ]);
    const data = (event?.data ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
    const releaseEvent = delivery.event as ReleaseEvent;
    const detail =
      releaseEvent === 'failed'
        ? (text(data.error) ?? deployment?.error ?? null)
        : releaseEvent === 'freeze_override'
          ? (text(data.reason) ?? deployment?.freezeOverrideReason ?? null)
          : (text(data.comment) ?? text(data.reason));
    return {
      deliveryId: delivery.id,
      event: releaseEvent,
      project,
      environment: deployment?.environment.name ?? text(data.environment),
      version: deployment?.artifact.version ?? text(data.version),
      fromVersion: deployment?.previousArtifact?.version ?? null,
      actor: event?.actorLabel ?? 'wharf',
      requestedBy: deployment?.actorLabel ?? null,
      state: deployment?.state ?? null,
      url: deployment ? deploymentPageUrl(this.config.WHARF_PUBLIC_URL, project.slug, deployment.id) : null,
      detail,
      at: event?.at ?? delivery.createdAt,
    };
  }
}
