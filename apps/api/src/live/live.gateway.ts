// Live deployment logs over socket.io (namespace /live). A subscriber first gets what
// Postgres holds after its `afterSeq` (pages of 5000), then the shared stream tail of this
// instance. Each subscription tracks the last seq it delivered and only ever sends the next
// one, so a client sees every line once, in order, across reconnects and api instances.
// Subscriptions that are in step with the tail sit in a local socket.io room of their own:
// each tail batch is serialized once for all of them, not once per socket.
import { Inject, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { encodeLines, LIVE_NAMESPACE, LiveEvents, subscribeSchema, type LogLineView } from '@wharf/shared';
import type { Redis } from 'ioredis';
import type { Namespace, Socket } from 'socket.io';
import { accessRevokedChannel } from '../auth/access-events.js';
import { SessionService } from '../auth/session.service.js';
import { JsonLogger } from '../common/json-logger.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { deploymentChannels } from '../deployments/deployment-events.js';
import { DeploymentsService } from '../deployments/deployments.service.js';
import { RedisService } from '../redis/redis.module.js';
import { DeploymentTail } from './deployment-tail.js';
import { logStreamKey } from './log-line.js';
import { BACKFILL_PAGE, LogStoreService } from './log-store.service.js';
import { liveSocketData, sessionMiddleware } from './socket-auth.js';

interface Subscription {
  socket: Socket;
  deploymentId: string;
  /** The deployment's project: access is re-checked against it while the subscription lives. */
  projectId: string;
  /** Highest seq sent to this socket; the next line it gets is delivered + 1. */
  delivered: number;
  /** false while catching up from Postgres; the shared tail skips it meanwhile. */
  live: boolean;
  /** In the deployment's in-step room: gets tail batches by one broadcast. */
  inStep: boolean;
}

interface Room {
  tail: DeploymentTail;
  subs: Set<Subscription>;
}

export type SubscribeAck = { ok: true } | { ok: false; message: string };

const roomName = (deploymentId: string) => `deployment:${deploymentId}`;
/** Local sockets whose subscription has delivered exactly up to the tail's position. */
const inStepRoomName = (deploymentId: string) => `deployment-live:${deploymentId}`;
const REFUSED = 'deployment not found';
const SIGNED_OUT = 'sign in required';
const REVOKED = 'access to this deployment was revoked';
/**
 * Deployments one connection may watch at once (subscribed or being checked). The dashboard
 * watches one per page; every deployment watched on an instance costs a Redis connection
 * (its tail) and every subscribe two queries, so without a bound one socket could open
 * thousands of Redis connections or keep the database busy with a tight loop of subscribes.
 */
export const MAX_LIVE_SUBSCRIPTIONS = 20;
const TOO_MANY = `too many live subscriptions on this connection (at most ${MAX_LIVE_SUBSCRIPTIONS})`;
/** The same over all of one user's connections to an instance (many sockets, 20 each, would add up). */
export const MAX_LIVE_SUBSCRIPTIONS_PER_USER = 100;
const TOO_MANY_FOR_USER = `too many live subscriptions for this user (at most ${MAX_LIVE_SUBSCRIPTIONS_PER_USER} at once)`;

@WebSocketGateway({ namespace: LIVE_NAMESPACE, path: '/socket.io', serveClient: false })
export class LiveGateway
  implements OnGatewayInit<Namespace>, OnGatewayDisconnect<Socket>, OnModuleInit, OnModuleDestroy
{
  private nsp: Namespace | null = null;
  private readonly rooms = new Map<string, Room>();
  /** Status reloads in flight per deployment; `again` asks for one more after the current one. */
  private readonly statusReloads = new Map<string, { again: boolean }>();
  private readonly subsBySocket = new Map<string, Map<string, Subscription>>();
  /** Subscribes still being checked, per socket: they count toward MAX_LIVE_SUBSCRIPTIONS. */
  private readonly pendingBySocket = new Map<string, number>();
  /**
   * Revocation messages received so far. A subscribe checks access, then registers: a message
   * that arrives in between finds no subscription to end, so a subscribe that sees this number
   * change while it checked re-checks its user once it has registered.
   */
  private revocations = 0;
  private statusSubscriber: Redis | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;
  private periodicRecheck: Promise<void> | null = null;

  constructor(
    private readonly sessions: SessionService,
    private readonly store: LogStoreService,
    private readonly deployments: DeploymentsService,
    private readonly redis: RedisService,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(nsp: Namespace): void {
    this.nsp = nsp;
    nsp.use(sessionMiddleware(this.sessions));
  }

  onModuleInit(): void {
    // Status changes come from workers and other api instances; each instance tells its own
    // sockets. A dedicated connection: a subscribed connection can do nothing else.
    const sub = this.dedicatedConnection();
    this.statusSubscriber = sub;
    const channel = deploymentChannels(this.redis.prefix).status;
    const revoked = accessRevokedChannel(this.redis.prefix);
    sub.on('message', (ch: string, payload: string) => {
      if (ch === channel) void this.onStatusChanged(payload);
      else if (ch === revoked) {
        this.revocations++;
        void this.recheck(payload);
      }
    });
    // Not awaited: with Redis down the app must still boot; ioredis subscribes on connect.
    sub.subscribe(channel, revoked).catch((err: unknown) => {
      this.logger.event('warn', 'live status subscription failed', { error: String(err) }, 'LiveGateway');
    });
    // The safety net behind the revocation messages: sessions also expire, and a message can be missed.
    this.recheckTimer = setInterval(() => {
      this.periodicRecheck ??= this.recheck().finally(() => (this.periodicRecheck = null));
    }, this.config.WHARF_LIVE_RECHECK_SECONDS * 1000);
    this.recheckTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    for (const room of this.rooms.values()) room.tail.stop();
    this.rooms.clear();
    this.subsBySocket.clear();
    this.statusSubscriber?.disconnect();
  }

  handleDisconnect(socket: Socket): void {
    const subs = this.subsBySocket.get(socket.id);
    if (!subs) return;
    this.subsBySocket.delete(socket.id);
    for (const sub of subs.values()) this.removeSub(sub);
  }

  @SubscribeMessage(LiveEvents.subscribe)
  async subscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<SubscribeAck> {
    const parsed = subscribeSchema.safeParse(body ?? {});
    if (!parsed.success)
      return this.refuse(socket, undefined, `invalid subscribe: ${parsed.error.issues[0]?.message ?? 'bad payload'}`);
    const { deploymentId, afterSeq } = parsed.data;
    const current = this.subsBySocket.get(socket.id);
    const pending = this.pendingBySocket.get(socket.id) ?? 0;
    if (!current?.has(deploymentId)) {
      if ((current?.size ?? 0) + pending >= MAX_LIVE_SUBSCRIPTIONS) return this.refuse(socket, deploymentId, TOO_MANY);
      if (this.watchedBy(liveSocketData(socket).user.id) >= MAX_LIVE_SUBSCRIPTIONS_PER_USER)
        return this.refuse(socket, deploymentId, TOO_MANY_FOR_USER);
    }
    this.pendingBySocket.set(socket.id, pending + 1);
    try {
      return await this.checkAndSubscribe(socket, deploymentId, afterSeq);
    } finally {
      const left = (this.pendingBySocket.get(socket.id) ?? 1) - 1;
      if (left > 0) this.pendingBySocket.set(socket.id, left);
      else this.pendingBySocket.delete(socket.id);
    }
  }

  private async checkAndSubscribe(socket: Socket, deploymentId: string, afterSeq: number): Promise<SubscribeAck> {
    const data = liveSocketData(socket);
    const revocations = this.revocations;
    let allowed: string | null;
    try {
      // The session may have ended since the handshake; check it again.
      const user = await this.sessions.resolve(data.sessionToken);
      if (!user) {
        this.refuse(socket, deploymentId, SIGNED_OUT);
        socket.disconnect(true);
        return { ok: false, message: SIGNED_OUT };
      }
      data.user = user;
      allowed = await this.store.readableProject(user, deploymentId);
    } catch (err) {
      this.logger.event('warn', 'live subscribe failed', { deploymentId, error: String(err) }, 'LiveGateway');
      return this.refuse(socket, deploymentId, 'could not subscribe; try again');
    }
    if (!allowed) {
      // A subscription this socket already holds for it ends too: access is gone now.
      const previous = this.subsBySocket.get(socket.id)?.get(deploymentId);
      if (previous) this.endQuietly(previous);
      return this.refuse(socket, deploymentId, REFUSED);
    }
    if (!socket.connected) return { ok: false, message: 'disconnected' };

    let subs = this.subsBySocket.get(socket.id);
    if (!subs) {
      subs = new Map();
      this.subsBySocket.set(socket.id, subs);
    }
    // Checked again: an earlier subscription of this deployment may have ended meanwhile.
    if (!subs.has(deploymentId) && subs.size >= MAX_LIVE_SUBSCRIPTIONS)
      return this.refuse(socket, deploymentId, TOO_MANY);
    const previous = subs.get(deploymentId);
    if (previous) this.removeSub(previous);
    const sub: Subscription = {
      socket,
      deploymentId,
      projectId: allowed,
      delivered: afterSeq,
      live: false,
      inStep: false,
    };
    subs.set(deploymentId, sub);
    const room = this.roomFor(deploymentId);
    room.subs.add(sub);
    await socket.join(roomName(deploymentId));

    // Access may have been revoked while it was checked (the message found nothing to end yet).
    if (this.revocations !== revocations) await this.recheck(data.user.id);
    if (!this.isCurrent(sub)) return { ok: false, message: socket.connected ? REVOKED : SIGNED_OUT };
    void this.sendStatus(deploymentId, socket);
    void this.catchUp(sub, room);
    return { ok: true };
  }

  @SubscribeMessage(LiveEvents.unsubscribe)
  async unsubscribe(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<{ ok: true }> {
    const deploymentId = (body as { deploymentId?: unknown } | null)?.deploymentId;
    const sub = typeof deploymentId === 'string' ? this.subsBySocket.get(socket.id)?.get(deploymentId) : undefined;
    if (sub) {
      this.subsBySocket.get(socket.id)?.delete(sub.deploymentId);
      this.removeSub(sub);
      await socket.leave(roomName(sub.deploymentId));
    }
    return { ok: true };
  }

  /** Subscriptions of `userId` on this instance, those still being checked included. */
  private watchedBy(userId: string): number {
    let n = 0;
    for (const s of this.nsp?.sockets.values() ?? []) {
      if (liveSocketData(s).user.id !== userId) continue;
      n += (this.subsBySocket.get(s.id)?.size ?? 0) + (this.pendingBySocket.get(s.id) ?? 0);
    }
    return n;
  }

  /** Sockets and tails of this instance, for health and tests. */
  stats(): { rooms: number; subscriptions: number } {
    let subscriptions = 0;
    for (const r of this.rooms.values()) subscriptions += r.subs.size;
    return { rooms: this.rooms.size, subscriptions };
  }

  /**
   * Ends what this instance's sockets may no longer see (only `userId`'s sockets when given): a
   * socket whose session ended (signed out, expired, user disabled) is told and disconnected;
   * a subscription whose project membership is gone is ended. Two queries, however many sockets.
   */
  private async recheck(userId?: string): Promise<void> {
    const sockets = [...(this.nsp?.sockets.values() ?? [])].filter(
      (s) => userId === undefined || liveSocketData(s).user.id === userId,
    );
    if (sockets.length === 0) return;
    try {
      const users = await this.sessions.resolveMany([...new Set(sockets.map((s) => liveSocketData(s).sessionToken))]);
      const toCheck: Subscription[] = [];
      for (const socket of sockets) {
        const data = liveSocketData(socket);
        const user = users.get(data.sessionToken);
        if (!user) {
          this.endSocket(socket, SIGNED_OUT);
          continue;
        }
        data.user = user;
        // Admins read every project; a demoted admin is checked like anyone else.
        if (!user.isAdmin) toCheck.push(...(this.subsBySocket.get(socket.id)?.values() ?? []));
      }
      const members = await this.store.memberships(
        toCheck.map((sub) => ({ userId: liveSocketData(sub.socket).user.id, projectId: sub.projectId })),
      );
      for (const sub of toCheck) {
        if (!members.has(`${liveSocketData(sub.socket).user.id}:${sub.projectId}`) && this.isCurrent(sub)) {
          this.endSubscription(sub, REVOKED);
        }
      }
    } catch (err) {
      this.logger.event('warn', 'live access re-check failed', { error: String(err) }, 'LiveGateway');
    }
  }

  private endSocket(socket: Socket, message: string): void {
    for (const deploymentId of this.subsBySocket.get(socket.id)?.keys() ?? [])
      this.refuse(socket, deploymentId, message);
    socket.disconnect(true);
  }

  private endSubscription(sub: Subscription, message: string): void {
    this.endQuietly(sub);
    this.refuse(sub.socket, sub.deploymentId, message);
  }

  private endQuietly(sub: Subscription): void {
    this.subsBySocket.get(sub.socket.id)?.delete(sub.deploymentId);
    this.removeSub(sub);
    // Status pushes go to the room: leave it too.
    void sub.socket.leave(roomName(sub.deploymentId));
  }

  private refuse(socket: Socket, deploymentId: string | undefined, message: string): SubscribeAck {
    socket.emit(LiveEvents.error, { deploymentId, message });
    return { ok: false, message };
  }

  private roomFor(deploymentId: string): Room {
    let room = this.rooms.get(deploymentId);
    if (!room) {
      const subs = new Set<Subscription>();
      const tail = new DeploymentTail(
        deploymentId,
        logStreamKey(this.redis.prefix, deploymentId),
        () => this.dedicatedConnection(),
        this.store,
        (lines) => this.deliverTail(deploymentId, subs, lines),
        this.logger,
      );
      room = { tail, subs };
      this.rooms.set(deploymentId, room);
    }
    return room;
  }

  /**
   * One tail batch to every live subscription: those in step get it by one broadcast to the
   * in-step room (socket.io encodes the packet once for all of them), the others one by one.
   */
  private deliverTail(deploymentId: string, subs: Set<Subscription>, lines: LogLineView[]): void {
    const first = lines[0];
    if (!first) return;
    const last = lines[lines.length - 1]!.seq;
    let inStep = 0;
    for (const s of subs) {
      if (!s.live || !this.isCurrent(s)) continue;
      if (s.delivered === first.seq - 1) {
        this.setInStep(s, true);
        s.delivered = last;
        inStep++;
      } else {
        this.setInStep(s, false);
        this.send(s, lines);
      }
    }
    if (inStep > 0 && this.nsp) {
      const room = this.nsp.local.to(inStepRoomName(deploymentId));
      for (const wire of encodeLines(deploymentId, lines)) room.emit(LiveEvents.lines, wire);
    }
  }

  private setInStep(sub: Subscription, inStep: boolean): void {
    if (sub.inStep === inStep) return;
    sub.inStep = inStep;
    // The default in-memory adapter joins and leaves synchronously.
    if (inStep) void sub.socket.join(inStepRoomName(sub.deploymentId));
    else void sub.socket.leave(inStepRoomName(sub.deploymentId));
  }

  private removeSub(sub: Subscription): void {
    this.setInStep(sub, false);
    const room = this.rooms.get(sub.deploymentId);
    if (!room) return;
    room.subs.delete(sub);
    if (room.subs.size === 0) {
      room.tail.stop();
      this.rooms.delete(sub.deploymentId);
    }
  }

  private isCurrent(sub: Subscription): boolean {
    return sub.socket.connected && this.subsBySocket.get(sub.socket.id)?.get(sub.deploymentId) === sub;
  }

  /** Postgres pages until the socket reaches the shared tail's position, then goes live. */
  private async catchUp(sub: Subscription, room: Room): Promise<void> {
    try {
      await room.tail.ready;
      while (this.isCurrent(sub)) {
        const page = await this.store.page(sub.deploymentId, sub.delivered, BACKFILL_PAGE);
        if (!this.isCurrent(sub)) return;
        this.emitLines(sub, page);
        // Checked in the same tick as the tail's deliveries, so no line falls between.
        if ((page.length < BACKFILL_PAGE && sub.delivered >= room.tail.lastSeq) || page.length === 0) {
          sub.live = true;
          return;
        }
      }
    } catch (err) {
      this.logger.event(
        'warn',
        'live backfill failed',
        { deploymentId: sub.deploymentId, error: String(err) },
        'LiveGateway',
      );
      if (this.isCurrent(sub)) this.endSubscription(sub, 'could not read the log; subscribe again');
    }
  }

  /** Sends the part of a contiguous run this socket has not seen; a hole sends it back to catch up. */
  private send(sub: Subscription, lines: LogLineView[]): void {
    const first = lines[0];
    if (!first || !this.isCurrent(sub)) return;
    const skip = sub.delivered + 1 - first.seq;
    if (skip < 0) {
      sub.live = false;
      const room = this.rooms.get(sub.deploymentId);
      if (room) void this.catchUp(sub, room);
      return;
    }
    if (skip >= lines.length) return;
    this.emitLines(sub, skip === 0 ? lines : lines.slice(skip));
  }

  private emitLines(sub: Subscription, lines: LogLineView[]): void {
    if (lines.length === 0) return;
    for (const wire of encodeLines(sub.deploymentId, lines)) sub.socket.emit(LiveEvents.lines, wire);
    sub.delivered = lines[lines.length - 1]!.seq;
  }

  /**
   * Reloads and sends a deployment's status. Changes that arrive while a reload runs are
   * coalesced into one more reload after it, so a rollout reporting several times a second
   * per target costs at most one reload at a time, and the last state is always sent.
   */
  private async onStatusChanged(deploymentId: string): Promise<void> {
    const pending = this.statusReloads.get(deploymentId);
    if (pending) {
      pending.again = true;
      return;
    }
    const reload = { again: false };
    this.statusReloads.set(deploymentId, reload);
    try {
      do {
        reload.again = false;
        const room = this.rooms.get(deploymentId);
        if (!room) return;
        await this.sendStatus(deploymentId);
        // A worker that died between storing and publishing leaves lines only in Postgres.
        await room.tail.catchUpFromDb().catch(() => undefined);
      } while (reload.again);
    } finally {
      this.statusReloads.delete(deploymentId);
    }
  }

  private async sendStatus(deploymentId: string, socket?: Socket): Promise<void> {
    try {
      const view = await this.deployments.view(deploymentId);
      if (socket) socket.emit(LiveEvents.status, view);
      else this.nsp?.to(roomName(deploymentId)).emit(LiveEvents.status, view);
    } catch {
      // Deleted meanwhile: nothing to show.
    }
  }

  private dedicatedConnection(): Redis {
    const conn = this.redis.client.duplicate({ maxRetriesPerRequest: null });
    conn.on('error', () => undefined); // reconnects by itself
    return conn;
  }
}
