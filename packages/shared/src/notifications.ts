// Release notifications: subscriptions of a project (optionally one environment) to release
// events, sent to DingTalk, WeCom, Feishu, Slack or a generic JSON webhook. The URL and the
// signing secret are write-only: bodies carry them in, views never carry them out.
import { z } from 'zod';
import { RELEASE_AUDIT_ACTIONS, RELEASE_EVENTS, type ReleaseEvent } from './release-policy.js';
import { safeText } from './validators.js';

export const NOTIFICATION_CHANNELS = ['dingtalk', 'wecom', 'feishu', 'slack', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Channels that sign with a secret (WeCom and Slack carry their key in the URL itself). */
export const SIGNING_CHANNELS: readonly NotificationChannel[] = ['dingtalk', 'feishu', 'webhook'];

export const NOTIFICATION_DELIVERY_STATES = ['pending', 'sent', 'failed'] as const;
export type NotificationDeliveryState = (typeof NOTIFICATION_DELIVERY_STATES)[number];

/**
 * The release event an audit action stands for, or null when it is none. `trigger` is the
 * deployment's trigger: a rollback that succeeds is "rolled_back".
 */
export function releaseEventOf(action: string, trigger: string | null): ReleaseEvent | null {
  switch (action) {
    case 'deployment.requested':
    case 'deployment.rollback_requested':
      return 'requested';
    case RELEASE_AUDIT_ACTIONS.awaitingApproval:
      return 'awaiting_approval';
    case RELEASE_AUDIT_ACTIONS.approved:
      return 'approved';
    case RELEASE_AUDIT_ACTIONS.rejected:
      return 'rejected';
    case 'deployment.started':
      return 'started';
    case 'deployment.succeeded':
      return trigger === 'rollback' ? 'rolled_back' : 'succeeded';
    case 'deployment.failed':
      return 'failed';
    case RELEASE_AUDIT_ACTIONS.freezeOverridden:
      return 'freeze_override';
    default:
      return null;
  }
}

/** An http(s) URL without user:password@ (credentials belong in the secret, not the URL). */
export const notificationUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2000, 'must be at most 2000 characters')
  .superRefine((v, ctx) => {
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a URL such as https://oapi.dingtalk.com/robot/send?...' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'must be an http or https URL' });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
    }
  });

const eventsSchema = z
  .array(z.enum(RELEASE_EVENTS))
  .min(1, 'choose at least one event')
  .max(RELEASE_EVENTS.length)
  .transform((events) => [...new Set(events)]);

const secretSchema = safeText(500, { min: 1 });

export const createNotificationSchema = z
  .object({
    name: safeText(100, { min: 1 }),
    channel: z.enum(NOTIFICATION_CHANNELS),
    url: notificationUrlSchema,
    /** DingTalk "加签" secret (SEC...), Feishu signature secret, or the generic webhook's HMAC key. */
    secret: secretSchema.optional(),
    events: eventsSchema,
    /** Null or absent: every environment of the project. */
    environmentId: z.uuid().nullable().optional(),
    /** Send to loopback and private addresses too: administrators only. */
    allowPrivateNetwork: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.secret !== undefined && !SIGNING_CHANNELS.includes(b.channel)) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `${b.channel} does not sign: its key is in the URL` });
    }
  });
export type CreateNotificationBody = z.infer<typeof createNotificationSchema>;

export const updateNotificationSchema = z
  .object({
    name: safeText(100, { min: 1 }).optional(),
    url: notificationUrlSchema.optional(),
    /** A new secret; null removes it; absent keeps it. */
    secret: secretSchema.nullable().optional(),
    events: eventsSchema.optional(),
    environmentId: z.uuid().nullable().optional(),
    allowPrivateNetwork: z.boolean().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type UpdateNotificationBody = z.infer<typeof updateNotificationSchema>;

export interface NotificationSubscriptionView {
  id: string;
  name: string;
  channel: NotificationChannel;
  environmentId: string | null;
  environmentName: string | null;
  /** Scheme and host of the URL; the URL itself is never shown again. */
  urlHint: string;
  hasSecret: boolean;
  events: ReleaseEvent[];
  allowPrivateNetwork: boolean;
  enabled: boolean;
  lastSentAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  createdAt: string;
}

export interface NotificationDeliveryView {
  id: string;
  event: string;
  deploymentId: string | null;
  state: NotificationDeliveryState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The answer to "Send test": what the receiver said, or why nothing arrived. */
export interface NotificationTestView {
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}
