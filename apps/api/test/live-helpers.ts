// Fixtures for the live-log tests: project, environment, artifact and deployment rows are
// inserted directly (their HTTP routes belong to other modules), users through the API.
import { randomBytes } from 'node:crypto';
import { decodeLines, type LinesWire, type LogLineView } from '@wharf/shared';
import type { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { LogSink, type LogSinkOptions } from '../src/live/log-sink.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import { TEST_ADMIN, type TestApp } from './test-env.js';

export interface Fixture {
  projectId: string;
  slug: string;
  environmentId: string;
  artifactId: string;
  targetId: string;
}

export async function createFixture(t: TestApp): Promise<Fixture> {
  const prisma = t.app.get(PrismaService);
  const slug = `p-${randomBytes(4).toString('hex')}`;
  const project = await prisma.project.create({ data: { slug, name: slug } });
  const env = await prisma.environment.create({ data: { projectId: project.id, name: 'production' } });
  const artifact = await prisma.artifact.create({ data: { projectId: project.id, version: '1.0.0', kind: 'tarball' } });
  const target = await prisma.target.create({
    data: { projectId: project.id, environmentId: env.id, name: 'web-1', kind: 'ssh', config: {} },
  });
  return { projectId: project.id, slug, environmentId: env.id, artifactId: artifact.id, targetId: target.id };
}

export async function createDeployment(t: TestApp, f: Fixture): Promise<string> {
  const prisma = t.app.get(PrismaService);
  const d = await prisma.deployment.create({
    data: {
      projectId: f.projectId,
      environmentId: f.environmentId,
      artifactId: f.artifactId,
      trigger: 'manual',
      // Only one deployment per environment may be running (a partial unique index).
      state: 'queued',
      actorLabel: TEST_ADMIN.email,
      targets: { create: [{ targetId: f.targetId, targetName: 'web-1', batch: 1, state: 'pending' }] },
    },
  });
  return d.id;
}

/**
 * A log sink for `deploymentId` on the test app's database and Redis prefix, as the worker
 * makes one: 50 MiB cap, nothing to mask unless `options` says. Not opened yet.
 */
export function testLogSink(
  t: TestApp,
  redis: Redis,
  deploymentId: string,
  options: Partial<LogSinkOptions> = {},
): LogSink {
  return new LogSink({
    deploymentId,
    prisma: t.app.get(PrismaService),
    redis,
    prefix: t.config.WHARF_REDIS_PREFIX,
    maxBytes: 50 * 1024 * 1024,
    secrets: [],
    ...options,
  });
}

/** Creates a user through the API and signs in: the session cookie, for sockets and fetch. */
export async function signedInUser(
  t: TestApp,
  opts: { admin?: boolean } = {},
): Promise<{ cookie: string; userId: string }> {
  let userId: string;
  let email: string;
  let password: string;
  if (opts.admin) {
    email = TEST_ADMIN.email;
    password = TEST_ADMIN.password;
    userId = (await t.app.get(PrismaService).user.findUniqueOrThrow({ where: { email } })).id;
  } else {
    const admin = new TestClient(t.url);
    await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
    email = `u-${randomBytes(4).toString('hex')}@test.local`;
    password = 'user-password-12345';
    const res = await admin.post('/api/v1/users', { email, name: email, password, isAdmin: false });
    if (res.status !== 201) throw new Error(`create user: ${res.status} ${JSON.stringify(res.body)}`);
    userId = res.body.id as string;
  }
  const login = await fetch(`${t.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  if (login.status !== 200 || !cookie) throw new Error(`login failed: ${login.status}`);
  return { cookie, userId };
}

export async function addMember(
  t: TestApp,
  userId: string,
  projectId: string,
  role: 'viewer' | 'deployer' | 'maintainer' = 'viewer',
): Promise<void> {
  await t.app.get(PrismaService).membership.create({ data: { userId, projectId, role } });
}

/** A request carrying the session cookie; state-changing ones declare JSON, as the dashboard does. */
export function fetchAs(t: TestApp, cookie: string, path: string, init: RequestInit = {}): Promise<Response> {
  const json: Record<string, string> =
    init.method && init.method !== 'GET' ? { 'content-type': 'application/json' } : {};
  return fetch(t.url + path, { ...init, headers: { ...json, ...(init.headers as Record<string, string>), cookie } });
}

/** A socket.io client of the /live namespace that records every line it receives. */
export class LiveClient {
  readonly socket: Socket;
  readonly lines: LogLineView[] = [];
  readonly errors: { deploymentId?: string; message: string }[] = [];
  readonly statuses: { id: string; state: string }[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(baseUrl: string, cookie: string | null) {
    this.socket = io(`${baseUrl}/live`, {
      path: '/socket.io',
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: cookie ? { cookie } : {},
    });
    this.socket.on('deployment:lines', (w: LinesWire) => {
      this.lines.push(...decodeLines(w));
      this.notify();
    });
    this.socket.on('deployment:error', (e: { deploymentId?: string; message: string }) => {
      this.errors.push(e);
      this.notify();
    });
    this.socket.on('deployment:status', (s: { id: string; state: string }) => {
      this.statuses.push(s);
      this.notify();
    });
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  subscribe(deploymentId: string, afterSeq = 0): void {
    this.socket.emit('deployment:subscribe', { deploymentId, afterSeq });
  }

  /** Resolves when `check` holds; the test's own timeout fails it otherwise. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  untilSeq(seq: number): Promise<void> {
    return this.until(() => (this.lines.at(-1)?.seq ?? 0) >= seq);
  }

  close(): void {
    this.socket.disconnect();
  }

  private notify(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}

/** Seqs must be exactly from..to, each once, in order. */
export function expectDense(lines: LogLineView[], from: number, to: number): string | null {
  if (lines.length !== to - from + 1) return `expected ${to - from + 1} lines, got ${lines.length}`;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.seq !== from + i) return `line ${i} has seq ${lines[i]!.seq}, expected ${from + i}`;
  }
  return null;
}
