// Writes audit events. The table is append-only in Postgres itself (trigger), so this
// service only ever inserts. Accepts a transaction client so an event commits with its change.
// Every event is chained to the one before (audit-chain.ts): the chain head's row lock orders
// concurrent writers, in the writer's own transaction.
import { Inject, Injectable } from '@nestjs/common';
import { describeAuditEvent, type AuditEventView, type AuditVerifyView, type Page } from '@wharf/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../prisma/prisma.service.js';
import { actorLabel, type RequestContext } from '../common/request-context.js';
import { enqueueReleaseNotifications } from './notification-outbox.js';
import { auditChainKey, chainHash, type ChainedFields } from './audit-chain.js';
import { verifyChainInParallel } from './audit-chain-verifier.js';
import { actorLabelsSql, auditWhereSql, type ResolvedAuditFilter, type ScopedAuditFilter } from './audit-query.js';

export type { ScopedAuditFilter };

/** The columns the list and the export show (never the chain's hash). */
interface AuditRow {
  id: bigint;
  at: Date;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  projectId: string | null;
  ip: string | null;
  data: unknown;
}

function toAuditView(e: AuditRow): AuditEventView {
  const data = (e.data ?? {}) as Record<string, unknown>;
  const view = {
    id: e.id.toString(),
    at: e.at.toISOString(),
    actor: e.actorLabel,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    projectId: e.projectId,
    ip: e.ip,
    data,
  };
  return { ...view, summary: describeAuditEvent(view) };
}

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  projectId?: string | null;
  data?: Record<string, unknown>;
}

interface HeadRow {
  seq: bigint;
  hash: Uint8Array | null;
  startsAfterId: bigint;
}

@Injectable()
export class AuditService {
  private readonly chainKey: Buffer;
  /** Verify's worker threads open their own connections. */
  private readonly databaseUrl: string;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'WHARF_SECRET_KEY' | 'DATABASE_URL'>,
  ) {
    this.chainKey = auditChainKey(config.WHARF_SECRET_KEY);
    this.databaseUrl = config.DATABASE_URL;
  }

  /** Records an event; pass the transaction client to commit it with the change it describes. */
  async record(
    ctx: Pick<RequestContext, 'actor' | 'ip'>,
    entry: AuditEntry,
    tx?: Prisma.TransactionClient,
  ): Promise<void> {
    if (tx) return this.append(tx, ctx, entry);
    // Writers queue on the chain head's row lock; a burst of them must wait, not fail.
    await this.prisma.$transaction((t) => this.append(t, ctx, entry), { maxWait: 15_000, timeout: 15_000 });
  }

  private async append(
    tx: Prisma.TransactionClient,
    ctx: Pick<RequestContext, 'actor' | 'ip'>,
    entry: AuditEntry,
  ): Promise<void> {
    const [head] = await tx.$queryRaw<HeadRow[]>`
      SELECT "seq", "hash", "startsAfterId" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE`;
    if (!head) throw new Error('the audit chain head is missing: run the database migrations');
    const actor = ctx.actor;
    const fields: ChainedFields = {
      seq: head.seq + 1n,
      at: new Date(),
      actorUserId: actor.type === 'user' ? actor.id : null,
      actorTokenId: actor.type === 'token' ? actor.id : null,
      actorLabel: actorLabel(actor),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId ?? null,
      projectId: entry.projectId ?? null,
      ip: ctx.ip,
      // As jsonb will give it back (dates become strings, undefined goes), so the hash checks later.
      data: JSON.parse(JSON.stringify(entry.data ?? {})) as unknown,
    };
    const hash = chainHash(this.chainKey, head.hash, fields);
    const { seq, data, ...rest } = fields;
    const created = await tx.auditEvent.create({
      data: { ...rest, data: data as Prisma.InputJsonValue, chainSeq: seq, chainHash: new Uint8Array(hash) },
      select: { id: true },
    });
    await tx.$executeRaw`UPDATE "AuditChainHead" SET "seq" = ${seq}, "hash" = ${hash} WHERE "id" = 1`;
    // Release events become notification deliveries in this same transaction (the outbox).
    await enqueueReleaseNotifications(tx, created.id, entry);
  }

  /**
   * Walks the whole chain and reports the first event altered, removed or inserted behind
   * Wharf's back. `ranges` sets how the walk is split across worker threads (tests use small
   * ranges to check that splitting never changes the answer).
   */
  async verify(ranges: { rangeSize?: number; workers?: number } = {}): Promise<AuditVerifyView> {
    const [head] = await this.prisma.$queryRaw<HeadRow[]>`
      SELECT "seq", "hash", "startsAfterId" FROM "AuditChainHead" WHERE "id" = 1`;
    if (!head) throw new Error('the audit chain head is missing: run the database migrations');
    const legacyEvents = await this.prisma.auditEvent.count({ where: { id: { lte: head.startsAfterId } } });
    const result = (problem: AuditVerifyView['problem'], checked: number): AuditVerifyView => ({
      ok: problem === null,
      checked,
      chainLength: head.seq.toString(),
      legacyEvents,
      problem,
    });
    const unchained = await this.prisma.auditEvent.findFirst({
      where: { id: { gt: head.startsAfterId }, chainSeq: null },
      orderBy: { id: 'asc' },
    });
    if (unchained) {
      return result(
        {
          kind: 'inserted',
          eventId: unchained.id.toString(),
          seq: null,
          message: `event ${unchained.id} (${unchained.action}) is not in the chain: it was written directly into the database`,
        },
        0,
      );
    }
    const { checked, problem } = await verifyChainInParallel({
      databaseUrl: this.databaseUrl,
      key: this.chainKey,
      head,
      ...ranges,
    });
    return result(problem, checked);
  }

  async list(filter: ScopedAuditFilter, limit: number, cursor?: bigint): Promise<Page<AuditEventView>> {
    const rows = await this.page(await this.resolve(filter), limit + 1, cursor);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toAuditView),
      nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
    };
  }

  /** Every matching event, newest first, a batch at a time (for the CSV export). */
  async *stream(filter: ScopedAuditFilter, batch = 1000): AsyncGenerator<AuditEventView[]> {
    const resolved = await this.resolve(filter);
    let cursor: bigint | undefined;
    for (;;) {
      const rows = await this.page(resolved, batch, cursor);
      if (rows.length === 0) return;
      yield rows.map(toAuditView);
      if (rows.length < batch) return;
      cursor = rows[rows.length - 1]!.id;
    }
  }

  /** The actor filter's matching labels, looked up once per request (see actorLabelsSql). */
  private async resolve(filter: ScopedAuditFilter): Promise<ResolvedAuditFilter> {
    if (!filter.actor) return filter;
    const rows = await this.prisma.$queryRaw<{ label: string }[]>(actorLabelsSql(filter.actor));
    return { ...filter, actorLabels: rows.map((r) => r.label) };
  }

  /** Newest first, in id order (keyset: `cursor` is the last id already shown). */
  private page(filter: ResolvedAuditFilter, take: number, cursor?: bigint): Promise<AuditRow[]> {
    return this.prisma.$queryRaw<AuditRow[]>`
      SELECT "id", "at", "actorLabel", "action", "subjectType", "subjectId", "projectId"::text AS "projectId",
             "ip", "data"
        FROM "AuditEvent" WHERE ${auditWhereSql(filter, cursor)}
       ORDER BY "id" DESC LIMIT ${take}`;
  }
}
