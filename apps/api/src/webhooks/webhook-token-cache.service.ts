// What the webhook endpoint knows about a slug (its project and webhook token hash), kept in
// memory so a delivery costs no database read before its own insert. A token change (rotate,
// remove) is published over Redis and every API instance drops the slug at once. While an
// instance is not subscribed (Redis down, reconnecting) it could miss such a message, so it
// then forgets everything and reads the database every time until it is subscribed again.
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
const PUBLISH_TIMEOUT_MS = 1_000;

interface Entry {
  value: HookCredentials;
  expiresAt: number;
}

@Injectable()
export class WebhookTokenCache implements OnModuleInit, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that started before one must not be stored. */
  private generation = 0;
  private subscribed = false;
  private readonly subscriber: Redis;
  private readonly channel: string;

  constructor(
    private readonly redis: RedisService,
    private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.channel = redis.key('webhook-token-changed');
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
    this.subscriber.on('message', (channel: string, slug: string) => {
      if (channel === this.channel) this.forget(slug);
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
   * After a change to `slug`'s webhook is committed: drops it here at once and tells every other
   * instance. A failed publish is logged; other instances then trust the old hash at most TTL_MS.
   */
  async changed(slug: string): Promise<void> {
    this.forget(slug);
    try {
      await withTimeout(this.redis.client.publish(this.channel, slug), PUBLISH_TIMEOUT_MS, 'publish timed out');
    } catch (err) {
      this.logger.event(
        'warn',
        'webhook token changed but other API instances could not be told; they forget it within a minute',
        { slug, error: String(err) },
        'WebhookTokenCache',
      );
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

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      // Anything published before this point was missed: start from nothing.
      this.forgetAll();
      this.subscribed = true;
    } catch {
      // The connection dropped again; its next 'ready' tries again.
    }
  }
}
