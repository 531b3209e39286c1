// Test data written straight through PrismaService (no dependency on other features' HTTP
// routes): projects, users with memberships, and project CI tokens.
import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import http, { type ClientRequest, type IncomingHttpHeaders } from 'node:http';
import { join, relative } from 'node:path';
import { buffer as collect } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import type { ProjectRole } from '@wharf/shared';
import { PasswordService } from '../src/auth/password.service.js';
import { newApiToken } from '../src/auth/tokens.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import { TestClient } from './http-client.js';
import type { TestApp } from './test-env.js';

export interface ProjectFixture {
  id: string;
  slug: string;
  name: string;
}

export interface TokenFixture {
  id: string;
  token: string;
  prefix: string;
}

export interface UserFixture {
  id: string;
  email: string;
  password: string;
}

function prisma(t: TestApp): PrismaService {
  return t.app.get(PrismaService);
}

/** A unique suffix so fixtures never collide inside one database. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function createProject(t: TestApp, slug = uniqueName('proj')): Promise<ProjectFixture> {
  const p = await prisma(t).project.create({ data: { slug, name: `Project ${slug}` } });
  return { id: p.id, slug: p.slug, name: p.name };
}

/** A project CI token; the clear value is returned once, as the API would. */
export async function createToken(t: TestApp, projectId: string, name = 'ci'): Promise<TokenFixture> {
  const { token, prefix, hash } = newApiToken();
  const row = await prisma(t).apiToken.create({ data: { projectId, name, prefix, tokenHash: hash } });
  return { id: row.id, token, prefix };
}

export async function revokeToken(t: TestApp, tokenId: string): Promise<void> {
  await prisma(t).apiToken.update({ where: { id: tokenId }, data: { revokedAt: new Date() } });
}

export async function createUser(t: TestApp, email = `${uniqueName('user')}@test.local`): Promise<UserFixture> {
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const passwordHash = await t.app.get(PasswordService).hash(password);
  const user = await prisma(t).user.create({ data: { email, name: email.split('@')[0]!, passwordHash } });
  return { id: user.id, email: user.email, password };
}

export async function addMember(t: TestApp, userId: string, projectId: string, role: ProjectRole): Promise<void> {
  await prisma(t).membership.create({ data: { userId, projectId, role } });
}

/** A signed-in client for a new user holding `role` in the project (or no membership). */
export async function memberClient(
  t: TestApp,
  projectId: string,
  role: ProjectRole | null,
): Promise<{ client: TestClient; user: UserFixture }> {
  const user = await createUser(t);
  if (role) await addMember(t, user.id, projectId, role);
  const client = new TestClient(t.url);
  await client.login(user.email, user.password);
  return { client, user };
}

// --- tarballs and streamed uploads -------------------------------------------------------

export type TarEntry = Partial<Header> & Pick<Header, 'name'> & { body?: Buffer | string };

/** Builds a .tar.gz in memory with tar-stream (small test archives only). */
export async function tarGz(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const out = collect(p); // read while packing, or pack's backpressure stalls big entries
  for (const { body, ...header } of entries) {
    await new Promise<void>((resolve, reject) => {
      p.entry(header, body ?? '', (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  return gzipSync(await out);
}

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Every file (not directory) under `dir`, as paths relative to it, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Polls `check` until it is true or `ms` passes; returns the last result (not a timing assertion). */
export async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface UploadOutcome {
  status: number;
  body: any;
  headers: IncomingHttpHeaders;
  /** Whether the client had finished sending the body when the response arrived. */
  bodyEnded: boolean;
  /** Body bytes the client had handed to its socket when the response arrived. */
  bytesWritten: number;
}

export interface StreamingUpload {
  req: ClientRequest;
  response: Promise<UploadOutcome>;
  readonly responded: boolean;
  /** True once the server has closed the connection (FIN or reset). */
  readonly closedByServer: boolean;
  /** Writes with backpressure; resolves false (and writes nothing) once the server answered. */
  write(chunk: Buffer): Promise<boolean>;
  end(): void;
  /** Releases the connection (call when done with the upload). */
  close(): void;
}

/**
 * A real streaming HTTP client (node:http, like the CLI): the body is written chunk by chunk,
 * without Content-Length (chunked) unless a header says otherwise, and the response is read
 * while the upload is still going. It asks for keep-alive, as browsers and fetch do, so a
 * server that means to stop reading has to say Connection: close itself.
 */
export function startUpload(
  url: string,
  opts: { token?: string; headers?: Record<string, string> } = {},
): StreamingUpload {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const req = http.request(url, {
    method: 'POST',
    agent,
    headers: {
      'content-type': 'application/gzip',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
  });
  let responded = false;
  let closedByServer = false;
  let closedByUs = false;
  let bytesWritten = 0;
  req.on('socket', (socket) => {
    const onServerClose = () => {
      if (!closedByUs) closedByServer = true;
    };
    socket.once('end', onServerClose);
    socket.once('close', onServerClose);
  });
  const response = new Promise<UploadOutcome>((resolve, reject) => {
    req.on('response', (res) => {
      responded = true;
      const bodyEnded = req.writableEnded;
      const sentAtResponse = bytesWritten;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers, bodyEnded, bytesWritten: sentAtResponse });
      });
      res.on('error', reject);
    });
    // After a response, write errors (EPIPE on a closed connection) are expected noise.
    req.on('error', (err) => {
      if (!responded) reject(err);
    });
  });
  response.catch(() => undefined);
  return {
    req,
    response,
    get responded() {
      return responded;
    },
    get closedByServer() {
      return closedByServer;
    },
    write(chunk) {
      if (responded || req.destroyed) return Promise.resolve(false);
      bytesWritten += chunk.length;
      if (req.write(chunk)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const done = () => {
          req.off('drain', done);
          req.off('response', done);
          req.off('close', done);
          resolve(!responded && !req.destroyed);
        };
        req.once('drain', done);
        req.once('response', done);
        req.once('close', done);
      });
    },
    end() {
      if (!responded && !req.destroyed) req.end();
    },
    close() {
      closedByUs = !closedByServer;
      req.destroy();
      agent.destroy();
    },
  };
}

/** Splits a buffer into chunks of `size` bytes (views, no copies). */
export function chunksOf(buf: Buffer, size = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

/** URL of the tarball push route for `version` (other metadata optional). */
export function sampleUploadUrl(
  t: TestApp,
  project: ProjectFixture,
  version: string,
  extra: Record<string, string> = {},
): string {
  return `${t.url}/api/v1/projects/${project.slug}/artifacts/tarball?${new URLSearchParams({ version, ...extra }).toString()}`;
}
