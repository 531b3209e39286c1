// Notification subscriptions of a project: maintainers manage them, viewers read them. The URL
// and secret are sealed (AES-256-GCM, like credentials) and never leave the server again; the
// audit trail records the subscription's shape, never its URL or secret. Sending to a loopback
// or private address needs allowPrivateNetwork, which only a global administrator may set or keep.
import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import {
  SIGNING_CHANNELS,
  type CreateNotificationBody,
  type NotificationDeliveryView,
  type NotificationSubscriptionView,
  type NotificationTestView,
  type ReleaseEvent,
  type UpdateNotificationBody,
} from '@wharf/shared';
import { AuditService } from '../audit/audit.service.js';
import { SecretBoxService } from '../credentials/secret-box.service.js';
import { PrismaService } from '../prisma/prisma.service.js';
import type { ProjectCtx } from '../projects/projects.service.js';
import { NotificationSender } from './notification-sender.service.js';
import { checkOutboundUrl, OutboundAddressError, urlHint } from './outbound-address.js';

const DELIVERIES_SHOWN = 50;

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

type SubscriptionRow = {
  id: string;
  name: string;
  channel: NotificationSubscriptionView['channel'];
  environmentId: string | null;
  environment: { name: string } | null;
  urlHint: string;
  secretSealed: Uint8Array | null;
  events: string[];
  allowPrivateNetwork: boolean;
  enabled: boolean;
  lastSentAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  createdAt: Date;
};

function toView(s: SubscriptionRow): NotificationSubscriptionView {
  return {
    id: s.id,
    name: s.name,
    channel: s.channel,
    environmentId: s.environmentId,
    environmentName: s.environment?.name ?? null,
    urlHint: s.urlHint,
    hasSecret: s.secretSealed !== null,
    events: s.events as ReleaseEvent[],
    allowPrivateNetwork: s.allowPrivateNetwork,
    enabled: s.enabled,
    lastSentAt: iso(s.lastSentAt),
    lastError: s.lastError,
    lastErrorAt: iso(s.lastErrorAt),
    createdAt: s.createdAt.toISOString(),
  };
}

const withEnvironment = { environment: { select: { name: true } } } as const;

function isAdmin(ctx: ProjectCtx): boolean {
  return ctx.actor.type === 'user' && ctx.actor.isAdmin;
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly box: SecretBoxService,
    private readonly sender: NotificationSender,
  ) {}

  async list(ctx: ProjectCtx): Promise<NotificationSubscriptionView[]> {
    const rows = await this.prisma.notificationSubscription.findMany({
      where: { projectId: ctx.project.id },
      include: withEnvironment,
      orderBy: { createdAt: 'asc' },
    });
    return rows.map(toView);
  }

  async create(ctx: ProjectCtx, body: CreateNotificationBody): Promise<NotificationSubscriptionView> {
    const allowPrivateNetwork = body.allowPrivateNetwork ?? false;
    this.assertMayAllowPrivate(ctx, allowPrivateNetwork);
    const environment = await this.environment(ctx, body.environmentId ?? null);
    await this.assertAddress(body.url, allowPrivateNetwork);
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.notificationSubscription.create({
        data: {
          projectId: ctx.project.id,
          environmentId: environment?.id ?? null,
          name: body.name,
          channel: body.channel,
          urlSealed: new Uint8Array(this.box.seal(body.url)),
          urlHint: urlHint(body.url),
          secretSealed: body.secret ? new Uint8Array(this.box.seal(body.secret)) : null,
          events: body.events,
          allowPrivateNetwork,
          enabled: body.enabled ?? true,
          createdById: ctx.actor.type === 'user' ? ctx.actor.id : null,
        },
        include: withEnvironment,
      });
      const view = toView(row);
      await this.audit.record(
        ctx,
        {
          action: 'notification.created',
          subjectType: 'notification',
          subjectId: row.id,
          projectId: ctx.project.id,
          data: this.auditShape(view),
        },
        tx,
      );
      return view;
    });
  }

  async update(ctx: ProjectCtx, id: string, body: UpdateNotificationBody): Promise<NotificationSubscriptionView> {
    const before = await this.find(ctx, id);
    const allowPrivateNetwork = body.allowPrivateNetwork ?? before.allowPrivateNetwork;
    // Keeping a private-network subscription is an admin's call too: a maintainer could otherwise
    // point an admin-approved subscription at another internal address.
    this.assertMayAllowPrivate(ctx, allowPrivateNetwork);
    const environment = body.environmentId !== undefined ? await this.environment(ctx, body.environmentId) : undefined;
    if (body.url !== undefined || allowPrivateNetwork !== before.allowPrivateNetwork) {
      await this.assertAddress(body.url ?? this.box.open(before.urlSealed), allowPrivateNetwork);
    }
    if (body.secret && !SIGNING_CHANNELS.includes(before.channel)) {
      throw new BadRequestException({
        message: `secret: ${before.channel} does not sign: its key is in the URL`,
        issues: [{ path: 'secret', message: `${before.channel} does not sign: its key is in the URL` }],
      });
    }
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.notificationSubscription.update({
        where: { id: before.id },
        data: {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.events !== undefined ? { events: body.events } : {}),
          ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
          ...(environment !== undefined ? { environmentId: environment?.id ?? null } : {}),
          ...(body.url !== undefined
            ? { urlSealed: new Uint8Array(this.box.seal(body.url)), urlHint: urlHint(body.url) }
            : {}),
          ...(body.secret !== undefined
            ? { secretSealed: body.secret === null ? null : new Uint8Array(this.box.seal(body.secret)) }
            : {}),
          allowPrivateNetwork,
        },
        include: withEnvironment,
      });
      const view = toView(row);
      await this.audit.record(
        ctx,
        {
          action: 'notification.updated',
          subjectType: 'notification',
          subjectId: row.id,
          projectId: ctx.project.id,
          data: {
            ...this.auditShape(view),
            // Which write-only fields changed, never their values.
            urlChanged: body.url !== undefined,
            secretChanged: body.secret !== undefined,
          },
        },
        tx,
      );
      return view;
    });
  }

  async remove(ctx: ProjectCtx, id: string): Promise<void> {
    const sub = await this.find(ctx, id);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.notificationSubscription.deleteMany({ where: { id: sub.id } });
      if (count === 0) return;
      await this.audit.record(
        ctx,
        {
          action: 'notification.deleted',
          subjectType: 'notification',
          subjectId: sub.id,
          projectId: ctx.project.id,
          data: { name: sub.name, channel: sub.channel, urlHint: sub.urlHint },
        },
        tx,
      );
    });
  }

  /** Sends a test message now (not through the queue) and reports what the receiver said. */
  async test(ctx: ProjectCtx, id: string): Promise<NotificationTestView> {
    const sub = await this.find(ctx, id);
    const started = Date.now();
    try {
      const { status } = await this.sender.send(sub, {
        deliveryId: `test-${Date.now()}`,
        event: 'test',
        project: { slug: ctx.project.slug, name: ctx.project.name },
        environment: sub.environment?.name ?? null,
        version: null,
        fromVersion: null,
        actor: ctx.actor.type === 'user' ? ctx.actor.email : 'wharf',
        requestedBy: null,
        state: null,
        url: null,
        detail: `"${sub.name}" is set up: release events will arrive here.`,
        at: new Date(),
      });
      return { ok: true, status, error: null, durationMs: Date.now() - started };
    } catch (err) {
      return {
        ok: false,
        status: null,
        error: err instanceof Error ? err.message : String(err),
        durationMs: Date.now() - started,
      };
    }
  }

  async deliveries(ctx: ProjectCtx, id: string): Promise<NotificationDeliveryView[]> {
    const sub = await this.find(ctx, id);
    const rows = await this.prisma.notificationDelivery.findMany({
      where: { subscriptionId: sub.id },
      orderBy: { createdAt: 'desc' },
      take: DELIVERIES_SHOWN,
    });
    return rows.map((d) => ({
      id: d.id,
      event: d.event,
      deploymentId: d.deploymentId,
      state: d.state,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      sentAt: iso(d.sentAt),
    }));
  }

  private auditShape(v: NotificationSubscriptionView): Record<string, unknown> {
    return {
      name: v.name,
      channel: v.channel,
      environment: v.environmentName,
      events: v.events,
      urlHint: v.urlHint,
      hasSecret: v.hasSecret,
      allowPrivateNetwork: v.allowPrivateNetwork,
      enabled: v.enabled,
    };
  }

  private assertMayAllowPrivate(ctx: ProjectCtx, allowPrivateNetwork: boolean): void {
    if (allowPrivateNetwork && !isAdmin(ctx)) {
      throw new ForbiddenException(
        'only an administrator may allow private networks for a notification (or change one that allows them)',
      );
    }
  }

  private async assertAddress(url: string, allowPrivateNetwork: boolean): Promise<void> {
    try {
      await checkOutboundUrl(url, allowPrivateNetwork);
    } catch (err) {
      if (!(err instanceof OutboundAddressError)) throw err;
      throw new BadRequestException({
        message: `url: ${err.message}`,
        issues: [{ path: 'url', message: err.message }],
      });
    }
  }

  private async environment(ctx: ProjectCtx, environmentId: string | null): Promise<{ id: string } | null> {
    if (environmentId === null) return null;
    const env = await this.prisma.environment.findFirst({
      where: { id: environmentId, projectId: ctx.project.id },
      select: { id: true },
    });
    if (!env) {
      throw new BadRequestException({
        message: 'environmentId: no such environment in this project',
        issues: [{ path: 'environmentId', message: 'no such environment in this project' }],
      });
    }
    return env;
  }

  private async find(ctx: ProjectCtx, id: string) {
    const sub = await this.prisma.notificationSubscription.findFirst({
      where: { id, projectId: ctx.project.id },
      include: withEnvironment,
    });
    if (!sub) throw new NotFoundException('notification not found');
    return sub;
  }
}
