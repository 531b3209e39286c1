// What the webhook endpoint knows about a slug (its project and webhook token hash), kept in
// memory so a delivery costs no database read before its own insert. A token change (rotate,
// remove) is published over Redis; every API instance drops the slug and says so, and the
// change answers only once all of them have (a publish returns when Redis has queued the
// message, not when a busy instance has read it, and until then its cache still accepts the old
// token). While an instance is not subscribed (Redis down, reconnecting) it could miss such a
// message, so it then forgets everything and reads the database every time until it is
// subscribed again.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { JsonLogger } from '../common/json-logger.js';
import { withTimeout } from '../common/with-timeout.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RedisService } from '../redis/redis.module.js';

/** The project behind a slug and its token's hash (null: no webhook); null: no such project. */
export type HookCredentials = { projectId: string; tokenHash: string | null } | null;

/**
 * Unknown slugs are remembered too (otherwise their slower answer would tell them apart from
 * known ones); the bound keeps a stream of made-up slugs from growing the map.
 */
const MAX_ENTRIES = 10_000;
/** A backstop only: an instance whose publish failed cannot leave others trusting a hash longer. */
const TTL_MS = 60_000;
/** How long a change waits for every instance to say it dropped the slug. */
const ACK_TIMEOUT_MS = 2_000;

interface Entry {
  value: HookCredentials;
  expiresAt: number;
}

/** A published change waiting for its acknowledgements (`expected` is known once PUBLISH answers). */
interface PendingChange {
  received: number;
  expected: number;
  settle: () => void;
}

@Injectable()
export class WebhookTokenCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that started before one must not be stored. */
  private generation = 0;
  private subscribed = false;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly ackChannel: string;
  private readonly pending = new Map<string, PendingChange>();

  constructor(
    private readonly redis: RedisService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = redis.key('webhook-token-changed');
    this.ackChannel = redis.key('webhook-token-forgotten');
    this.subscriber = new Redis(config.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      connectionName: redis.key('webhook-token-cache'),
    });
    this.subscriber.on('error', () => undefined); // reconnects by itself
    this.subscriber.on('ready', () => void this.subscribe());
    for (const event of ['close', 'reconnecting', 'end'])
      this.subscriber.on(event, () => {
        this.subscribed = false;
        this.forgetAll();
      });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.onChange(message);
      else if (channel === this.ackChannel) this.onAck(message);
    });
  }

  onModuleInit(): void {
    // Not awaited: the API starts (and answers 503 where Redis is needed) without Redis.
    this.subscriber.connect().catch(() => undefined);
  }

  onModuleDestroy(): void {
    this.subscriber.disconnect();
  }

  /** The cached answer for `slug`, or `read()`'s (remembered only if nothing changed meanwhile). */
  async lookup(slug: string, read: () => Promise<HookCredentials>): Promise<HookCredentials> {
    const hit = this.entries.get(slug);
    if (hit && hit.expiresAt > Date.now() && this.subscribed) return hit.value;
    const generation = this.generation;
    const value = await read();
    if (this.subscribed && generation === this.generation) {
      this.entries.delete(slug);
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(slug, { value, expiresAt: Date.now() + TTL_MS });
    }
    return value;
  }

  /**
   * After a change to `slug`'s webhook is committed: drops it here at once, tells every other
   * instance and waits until each has dropped it too. A failed publish or a missing
   * acknowledgement is logged; an instance that was not told trusts the old hash at most TTL_MS.
   */
  async changed(slug: string): Promise<void> {
    this.forget(slug);
    const id = randomUUID();
    const acknowledged = new Promise<void>((settle) =>
      this.pending.set(id, { received: 0, expected: Number.POSITIVE_INFINITY, settle }),
    );
    try {
      await withTimeout(
        (async () => {
          const receivers = await this.redis.client.publish(this.channel, JSON.stringify({ slug, ack: id }));
          this.expect(id, receivers);
          await acknowledged;
        })(),
        ACK_TIMEOUT_MS,
        'not every API instance acknowledged in time',
      );
    } catch (err) {
      this.logger.event(
        'warn',
        'webhook token changed but other API instances could not all be told; they forget it within a minute',
        { slug, error: String(err) },
        'WebhookTokenCache',
      );
    } finally {
      this.pending.delete(id);
    }
  }

  /** Drops `slug` (a project that no longer exists, or whose webhook changed). */
  forget(slug: string): void {
    this.generation++;
    this.entries.delete(slug);
  }

  /** Drops every slug of `projectId` (it was deleted; rare, so a scan is fine). */
  forgetProject(projectId: string): void {
    this.generation++;
    for (const [slug, entry] of this.entries) if (entry.value?.projectId === projectId) this.entries.delete(slug);
  }

  private forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Another instance (or this one) changed a slug: drop it, then say so. */
  private onChange(message: string): void {
    const change = parseChange(message);
    this.forget(change.slug);
    if (change.ack) this.redis.client.publish(this.ackChannel, change.ack).catch(() => undefined);
  }

  private onAck(id: string): void {
    const change = this.pending.get(id);
    if (!change) return; // another instance's change
    change.received++;
    this.expect(id, change.expected);
  }

  /** Records how many instances got the change (PUBLISH's answer) and settles once all acked. */
  private expect(id: string, receivers: number): void {
    const change = this.pending.get(id);
    if (!change) return;
    change.expected = receivers;
    if (change.received >= change.expected) change.settle();
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel, this.ackChannel);
      // Anything published before this point was missed: start from nothing.
      this.forgetAll();
      this.subscribed = true;
    } catch {
      // The connection dropped again; its next 'ready' tries again.
    }
  }
}

/** `{"slug","ack"}`; a bare slug is what instances of an earlier version publish. */
function parseChange(message: string): { slug: string; ack?: string } {
  try {
    const parsed = JSON.parse(message) as { slug?: unknown; ack?: unknown };
    if (typeof parsed.slug === 'string')
      return { slug: parsed.slug, ack: typeof parsed.ack === 'string' ? parsed.ack : undefined };
  } catch {
    // not JSON
  }
  return { slug: message };
}
