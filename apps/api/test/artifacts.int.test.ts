// Artifact store against the real app: real Postgres, real files under WHARF_DATA_DIR, real
// streaming HTTP clients. The cap is 1 MB here so oversized uploads are cheap to produce.
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactView, Page } from '@wharf/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactsService } from '../src/artifacts/artifacts.service.js';
import { PrismaService } from '../src/prisma/prisma.service.js';
import {
  chunksOf,
  createProject,
  createToken,
  eventually,
  listFiles,
  memberClient,
  type ProjectFixture,
  revokeToken,
  sha256Hex,
  startUpload,
  tarGz,
  type TokenFixture,
} from './fixtures.js';
import { TestClient } from './http-client.js';
import { startTestApp, TEST_ADMIN, type TestApp } from './test-env.js';

let t: TestApp;
let project: ProjectFixture;
let ci: TokenFixture;
let api: TestClient;

beforeAll(async () => {
  t = await startTestApp({ WHARF_MAX_ARTIFACT_MB: '1' });
  project = await createProject(t);
  ci = await createToken(t, project.id);
  api = new TestClient(t.url, ci.token);
});
afterAll(async () => {
  await t?.close();
});

const artifactsPath = (slug: string) => `/api/v1/projects/${slug}/artifacts`;

function pushUrl(slug: string, query: Record<string, string>): string {
  return `${artifactsPath(slug)}/tarball?${new URLSearchParams(query).toString()}`;
}

function push(client: TestClient, slug: string, query: Record<string, string>, body: Buffer) {
  return client.request<any>('POST', pushUrl(slug, query), body, { 'content-type': 'application/gzip' });
}

async function sampleTarball(label = randomBytes(4).toString('hex')): Promise<Buffer> {
  return tarGz([
    { name: 'package/', type: 'directory' },
    { name: 'package/package.json', body: JSON.stringify({ name: 'app', label }) },
    { name: 'package/index.js', body: `console.log(${JSON.stringify(label)})\n` },
    { name: 'package/current', type: 'symlink', linkname: 'index.js' },
  ]);
}

/** A one-pass client: chunked body, X-Content-Length, sha256 as the X-Checksum-Sha256 trailer. */
function pushWithTrailer(
  slug: string,
  version: string,
  body: Buffer,
  trailerSha256: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(t.url + pushUrl(slug, { version }), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ci.token}`,
        'content-type': 'application/gzip',
        'transfer-encoding': 'chunked',
        trailer: 'X-Checksum-Sha256',
        'x-content-length': String(body.length),
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      res.on('error', reject);
    });
    // Several writes, so the body really arrives as more than one chunk before the trailer.
    for (const chunk of chunksOf(body)) req.write(chunk);
    req.addTrailers({ 'X-Checksum-Sha256': trailerSha256 });
    req.end();
  });
}

const tmpDir = () => join(t.dataDir, 'artifacts', 'tmp');
const storedPath = (projectId: string, sha: string) => join(t.dataDir, 'artifacts', projectId, `${sha}.tar.gz`);

describe('tarball push', () => {
  it('stores a token push content-addressed, with its sha256, and audits it', async () => {
    const tgz = await sampleTarball();
    const sha = sha256Hex(tgz);
    const commit = 'a'.repeat(40);
    const res = await push(
      api,
      project.slug,
      {
        version: '1.0.0',
        sha256: sha,
        ref: 'main',
        commit,
        message: 'first release',
        author: 'Dev <dev@example.com>',
      },
      tgz,
    );
    expect(res.status).toBe(201);
    const view = res.body as ArtifactView;
    expect(view).toMatchObject({
      version: '1.0.0',
      kind: 'tarball',
      sha256: sha,
      sizeBytes: tgz.length,
      hasNodeModules: false,
      gitRef: 'main',
      commitSha: commit,
      commitMessage: 'first release',
      commitAuthor: 'Dev <dev@example.com>',
      uploadedBy: `token:${ci.prefix}`,
      imageRef: null,
    });

    const stored = await readFile(storedPath(project.id, sha));
    expect(sha256Hex(stored)).toBe(sha);
    expect(stored.equals(tgz)).toBe(true);
    expect(await readdir(tmpDir())).toEqual([]);

    const prisma = t.app.get(PrismaService);
    const row = await prisma.artifact.findUniqueOrThrow({ where: { id: view.id } });
    expect(row).toMatchObject({
      uploadedByTokenId: ci.id,
      uploadedByUserId: null,
      storageKey: `${project.id}/${sha}.tar.gz`,
    });
    const audit = await prisma.auditEvent.findFirst({ where: { action: 'artifact.pushed', subjectId: view.id } });
    expect(audit).toMatchObject({ actorTokenId: ci.id, actorLabel: `token:${ci.prefix}`, projectId: project.id });
    expect(audit?.data).toMatchObject({ version: '1.0.0', sha256: sha, sizeBytes: tgz.length });
  });

  it('gets one version, and downloads identical bytes with length, type and checksum headers', async () => {
    const tgz = await sampleTarball();
    const sha = sha256Hex(tgz);
    expect((await push(api, project.slug, { version: 'dl-1' }, tgz)).status).toBe(201);

    const one = await api.get(`${artifactsPath(project.slug)}/dl-1`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ version: 'dl-1', sha256: sha, sizeBytes: tgz.length });

    const res = await fetch(`${t.url}${artifactsPath(project.slug)}/dl-1/download`, {
      headers: { authorization: `Bearer ${ci.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(res.headers.get('content-length')).toBe(String(tgz.length));
    expect(res.headers.get('x-checksum-sha256')).toBe(sha);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${project.slug}-dl-1.tar.gz"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(tgz)).toBe(true);

    expect((await api.get(`${artifactsPath(project.slug)}/nope-1`)).status).toBe(404);
    expect((await api.get(`${artifactsPath(project.slug)}/nope-1/download`)).status).toBe(404);
  });

  it('exposes the file to the worker through resolveArtifactFile', async () => {
    const tgz = await sampleTarball();
    expect((await push(api, project.slug, { version: 'worker-1' }, tgz)).status).toBe(201);
    const file = await t.app.get(ArtifactsService).resolveArtifactFile(project.id, 'worker-1');
    expect(file).toEqual({
      path: storedPath(project.id, sha256Hex(tgz)),
      sha256: sha256Hex(tgz),
      sizeBytes: tgz.length,
    });
    expect((await stat(file.path)).size).toBe(tgz.length);
    await expect(t.app.get(ArtifactsService).resolveArtifactFile(project.id, 'missing-1')).rejects.toThrow(/not found/);
  });

  it('flags a node_modules directory but accepts it', async () => {
    const tgz = await tarGz([
      { name: 'index.js', body: 'require("left-pad")' },
      { name: 'node_modules/', type: 'directory' },
      { name: 'node_modules/left-pad/index.js', body: 'module.exports = 1' },
    ]);
    const res = await push(api, project.slug, { version: 'with-deps-1' }, tgz);
    expect(res.status).toBe(201);
    expect(res.body.hasNodeModules).toBe(true);
  });

  it('refuses a second push of the same version with 409 and leaves the original untouched', async () => {
    const first = await sampleTarball('original');
    const sha = sha256Hex(first);
    expect((await push(api, project.slug, { version: '2.0.0' }, first)).status).toBe(201);
    const before = await stat(storedPath(project.id, sha));
    const filesBefore = await listFiles(t.dataDir);

    const second = await sampleTarball('impostor');
    const res = await push(api, project.slug, { version: '2.0.0' }, second);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/2\.0\.0 already exists/);

    const after = await stat(storedPath(project.id, sha));
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(sha256Hex(await readFile(storedPath(project.id, sha)))).toBe(sha);
    expect(await listFiles(t.dataDir)).toEqual(filesBefore);
    expect((await api.get(`${artifactsPath(project.slug)}/2.0.0`)).body.sha256).toBe(sha);
  });

  it('lets exactly one of two concurrent pushes of a version win; the other gets 409 and leaves no file', async () => {
    const bodies = [await sampleTarball('racer-a'), await sampleTarball('racer-b')];
    const filesBefore = await listFiles(t.dataDir);
    const uploads = bodies.map(() =>
      startUpload(t.url + pushUrl(project.slug, { version: 'race-1' }), { token: ci.token }),
    );
    // Both requests get past the "version exists?" check (each has its temp file) before
    // either finishes, so only the unique constraint at insert can decide.
    for (const [i, u] of uploads.entries()) await u.write(bodies[i]!.subarray(0, 100));
    expect(await eventually(async () => (await readdir(tmpDir())).length === 2)).toBe(true);
    for (const [i, u] of uploads.entries()) {
      await u.write(bodies[i]!.subarray(100));
      u.end();
    }
    const outcomes = await Promise.all(uploads.map((u) => u.response));
    for (const u of uploads) u.close();
    expect(outcomes.map((o) => o.status).sort()).toEqual([201, 409]);
    const winner = outcomes.findIndex((o) => o.status === 201);
    const loser = 1 - winner;

    expect(await readdir(tmpDir())).toEqual([]);
    const added = (await listFiles(t.dataDir)).filter((f) => !filesBefore.includes(f));
    expect(added).toEqual([join('artifacts', project.id, `${sha256Hex(bodies[winner]!)}.tar.gz`)]);
    await expect(stat(storedPath(project.id, sha256Hex(bodies[loser]!)))).rejects.toThrow();
    expect((await api.get(`${artifactsPath(project.slug)}/race-1`)).body.sha256).toBe(sha256Hex(bodies[winner]!));
  });

  it('refuses a sha256 mismatch with 400 and keeps nothing', async () => {
    const filesBefore = await listFiles(t.dataDir);
    const res = await push(api, project.slug, { version: 'bad-sum-1', sha256: 'f'.repeat(64) }, await sampleTarball());
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^sha256 mismatch/);
    expect(await listFiles(t.dataDir)).toEqual(filesBefore);
    expect((await api.get(`${artifactsPath(project.slug)}/bad-sum-1`)).status).toBe(404);
  });

  it('accepts a chunked push whose X-Checksum-Sha256 trailer matches, with 201', async () => {
    const tgz = await sampleTarball();
    const res = await pushWithTrailer(project.slug, 'trailer-ok-1', tgz, sha256Hex(tgz));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ version: 'trailer-ok-1', sha256: sha256Hex(tgz), sizeBytes: tgz.length });
    expect(await readFile(storedPath(project.id, sha256Hex(tgz)))).toEqual(tgz);
  });

  it('refuses a chunked push with a wrong or malformed trailer with 400 and keeps nothing', async () => {
    const filesBefore = await listFiles(t.dataDir);
    const tgz = await sampleTarball();
    const wrong = await pushWithTrailer(project.slug, 'trailer-bad-1', tgz, 'f'.repeat(64));
    expect(wrong.status).toBe(400);
    expect(wrong.body.message).toMatch(/^sha256 mismatch/);
    expect(wrong.body.message).toContain('X-Checksum-Sha256');
    const malformed = await pushWithTrailer(project.slug, 'trailer-bad-2', tgz, 'not-a-hash');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/X-Checksum-Sha256 trailer/);
    expect(await listFiles(t.dataDir)).toEqual(filesBefore);
    expect(await stat(storedPath(project.id, sha256Hex(tgz))).catch(() => null)).toBeNull();
    expect((await api.get(`${artifactsPath(project.slug)}/trailer-bad-1`)).status).toBe(404);
    expect((await api.get(`${artifactsPath(project.slug)}/trailer-bad-2`)).status).toBe(404);
  });
});

describe('hostile input', () => {
  const hostile: [string, Parameters<typeof tarGz>[0], string][] = [
    [
      'a ../ path',
      [
        { name: 'ok.txt', body: 'x' },
        { name: '../evil', body: 'x' },
      ],
      '../evil',
    ],
    ['an absolute path', [{ name: '/etc/passwd', body: 'root:x:0:0' }], '/etc/passwd'],
    ['an escaping symlink', [{ name: 'link', type: 'symlink', linkname: '../../outside' }], 'link'],
  ];
  for (const [what, entries, entry] of hostile) {
    it(`refuses a tarball with ${what} with 422 naming the entry, and keeps nothing`, async () => {
      const filesBefore = await listFiles(t.dataDir);
      const version = `hostile-${randomBytes(3).toString('hex')}`;
      const res = await push(api, project.slug, { version }, await tarGz(entries));
      expect(res.status).toBe(422);
      expect(res.body.message).toContain(JSON.stringify(entry));
      expect(await listFiles(t.dataDir)).toEqual(filesBefore);
      expect((await api.get(`${artifactsPath(project.slug)}/${version}`)).status).toBe(404);
    });
  }

  it('refuses a body that is not gzip with 422', async () => {
    const res = await push(api, project.slug, { version: 'not-gzip-1' }, Buffer.from('just some text, not a tarball'));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/gzip/);
  });

  it('refuses an empty body with 422', async () => {
    const res = await push(api, project.slug, { version: 'empty-1' }, Buffer.alloc(0));
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/empty/);
  });

  it('refuses hostile versions with 400 before reading the body', async () => {
    const tgz = await sampleTarball();
    for (const version of ['$(id)', '../x', '-rf', 'v'.repeat(200), 'a b', '.hidden']) {
      const res = await push(api, project.slug, { version }, tgz);
      expect(res.status, version).toBe(400);
      expect(res.body.message, version).toMatch(/^version:/);
    }
    expect((await push(api, project.slug, {}, tgz)).status).toBe(400);
    expect((await api.get(`${artifactsPath(project.slug)}/${encodeURIComponent('$(id)')}`)).status).toBe(400);
    expect(await readdir(tmpDir())).toEqual([]);
  });

  it('refuses a Content-Type other than gzip, or none, with 415', async () => {
    const res = await api.request('POST', pushUrl(project.slug, { version: 'text-1' }), 'hello', {
      'content-type': 'text/plain',
    });
    expect(res.status).toBe(415);
    expect(res.body.message).toMatch(/^Content-Type must be application\/gzip or .* \(got text\/plain\)$/);
    const none = await fetch(t.url + pushUrl(project.slug, { version: 'text-2' }), {
      method: 'POST',
      headers: { authorization: `Bearer ${ci.token}` },
      body: await sampleTarball(),
    });
    expect(none.status).toBe(415);
    expect(((await none.json()) as { message: string }).message).toMatch(/none was sent/);
  });
});

describe('size cap (WHARF_MAX_ARTIFACT_MB=1)', () => {
  it('answers 413 mid-stream to a chunked upload of ~5 MB and keeps no file', async () => {
    const filesBefore = await listFiles(t.dataDir);
    // Incompressible content, so the gzip stream itself is ~5 MB and valid all along:
    // nothing but the size can be the reason for refusing it.
    const tgz = await tarGz([{ name: 'blob.bin', body: randomBytes(5 * 1024 * 1024) }]);
    expect(tgz.length).toBeGreaterThan(5 * 1024 * 1024);
    const upload = startUpload(t.url + pushUrl(project.slug, { version: 'too-big-1' }), { token: ci.token });
    for (const chunk of chunksOf(tgz)) {
      if (!(await upload.write(chunk))) break;
    }
    // The body is never ended: only a mid-stream answer can arrive.
    const outcome = await upload.response;
    expect(outcome.status).toBe(413);
    expect(outcome.body.message).toMatch(/1 MB limit/);
    expect(outcome.bodyEnded).toBe(false);
    // It stops reading: says so, and closes the connection instead of draining the rest.
    expect(outcome.headers.connection).toBe('close');
    expect(await eventually(async () => upload.closedByServer)).toBe(true);
    upload.close();
    expect(await listFiles(t.dataDir)).toEqual(filesBefore);
    expect((await api.get(`${artifactsPath(project.slug)}/too-big-1`)).status).toBe(404);
  });

  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const upload = startUpload(t.url + pushUrl(project.slug, { version: 'too-big-2' }), {
      token: ci.token,
      headers: { 'content-length': String(3 * 1024 * 1024) },
    });
    await upload.write(Buffer.alloc(1024));
    const outcome = await upload.response;
    expect(outcome.status).toBe(413);
    expect(outcome.bodyEnded).toBe(false);
    expect(outcome.headers.connection).toBe('close');
    expect(await eventually(async () => upload.closedByServer)).toBe(true);
    upload.close();
    expect(await readdir(tmpDir())).toEqual([]);
  });

  it('refuses a declared X-Content-Length over the cap before reading a chunked body', async () => {
    const upload = startUpload(t.url + pushUrl(project.slug, { version: 'too-big-3' }), {
      token: ci.token,
      headers: { 'x-content-length': String(3 * 1024 * 1024) },
    });
    await upload.write(Buffer.alloc(1024));
    const outcome = await upload.response;
    expect(outcome.status).toBe(413);
    expect(outcome.bodyEnded).toBe(false);
    expect(outcome.headers.connection).toBe('close');
    expect(await eventually(async () => upload.closedByServer)).toBe(true);
    upload.close();
    expect(await readdir(tmpDir())).toEqual([]);
  });

  it('answers 409 for an existing version before reading a chunked body', async () => {
    const upload = startUpload(t.url + pushUrl(project.slug, { version: '1.0.0' }), { token: ci.token });
    await upload.write(await sampleTarball());
    const outcome = await upload.response;
    expect(outcome.status).toBe(409);
    expect(outcome.bodyEnded).toBe(false);
    expect(outcome.headers.connection).toBe('close');
    expect(await eventually(async () => upload.closedByServer)).toBe(true);
    upload.close();
  });
});

describe('client disconnect', () => {
  it('leaves no temp file and no row when the client goes away mid-upload', async () => {
    const filesBefore = await listFiles(t.dataDir);
    const tgz = await tarGz([{ name: 'blob.bin', body: randomBytes(700 * 1024) }]);
    const upload = startUpload(t.url + pushUrl(project.slug, { version: 'gone-1' }), { token: ci.token });
    await upload.write(tgz.subarray(0, 300 * 1024));
    // The server has started writing its temp file; now the client vanishes.
    expect(await eventually(async () => (await readdir(tmpDir())).length === 1)).toBe(true);
    upload.close();
    expect(await eventually(async () => (await readdir(tmpDir())).length === 0)).toBe(true);
    expect(await listFiles(t.dataDir)).toEqual(filesBefore);
    expect((await api.get(`${artifactsPath(project.slug)}/gone-1`)).status).toBe(404);
    // The server is still fine afterwards.
    expect((await push(api, project.slug, { version: 'after-gone-1' }, await sampleTarball())).status).toBe(201);
  });
});

describe('listing', () => {
  it('lists newest first with an opaque cursor', async () => {
    const p = await createProject(t);
    const tok = await createToken(t, p.id);
    const client = new TestClient(t.url, tok.token);
    for (const version of ['0.1.0', '0.2.0', '0.3.0', '0.4.0', '0.5.0']) {
      expect((await push(client, p.slug, { version }, await sampleTarball())).status).toBe(201);
    }
    const first = await client.get<Page<ArtifactView>>(`${artifactsPath(p.slug)}?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((a) => a.version)).toEqual(['0.5.0', '0.4.0']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await client.get<Page<ArtifactView>>(
      `${artifactsPath(p.slug)}?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.items.map((a) => a.version)).toEqual(['0.3.0', '0.2.0']);
    const third = await client.get<Page<ArtifactView>>(
      `${artifactsPath(p.slug)}?limit=2&cursor=${second.body.nextCursor}`,
    );
    expect(third.body.items.map((a) => a.version)).toEqual(['0.1.0']);
    expect(third.body.nextCursor).toBeNull();

    const all = await client.get<Page<ArtifactView>>(artifactsPath(p.slug));
    expect(all.body.items.map((a) => a.version)).toEqual(['0.5.0', '0.4.0', '0.3.0', '0.2.0', '0.1.0']);
    expect(all.body.nextCursor).toBeNull();

    expect((await client.get(`${artifactsPath(p.slug)}?cursor=garbage`)).status).toBe(400);
    expect((await client.get(`${artifactsPath(p.slug)}?limit=0`)).status).toBe(400);
  });
});

describe('image artifacts', () => {
  it('registers an image version without an upload, immutably', async () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const res = await api.post(`${artifactsPath(project.slug)}/image`, {
      version: 'img-1',
      image: 'registry.example.com/team/app:img-1',
      digest,
      ref: 'main',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      version: 'img-1',
      kind: 'image',
      imageRef: 'registry.example.com/team/app:img-1',
      imageDigest: digest,
      sha256: null,
      sizeBytes: null,
      uploadedBy: `token:${ci.prefix}`,
    });
    const again = await api.post(`${artifactsPath(project.slug)}/image`, {
      version: 'img-1',
      image: 'registry.example.com/team/app:other',
    });
    expect(again.status).toBe(409);
    // Nothing to download for an image.
    expect((await api.get(`${artifactsPath(project.slug)}/img-1/download`)).status).toBe(404);
    const bad = await api.post(`${artifactsPath(project.slug)}/image`, {
      version: 'img-2',
      image: 'not an image; rm -rf /',
    });
    expect(bad.status).toBe(400);
  });
});

describe('access', () => {
  it('refuses unknown, malformed and revoked tokens with 401', async () => {
    const tgz = await sampleTarball();
    const unknown = `wharf_${'A'.repeat(40)}`;
    for (const token of [unknown, 'not-a-token']) {
      const c = new TestClient(t.url, token);
      expect((await push(c, project.slug, { version: 'x-1' }, tgz)).status).toBe(401);
      expect((await c.get(artifactsPath(project.slug))).status).toBe(401);
    }
    const revoked = await createToken(t, project.id, 'old');
    await revokeToken(t, revoked.id);
    expect((await new TestClient(t.url, revoked.token).get(artifactsPath(project.slug))).status).toBe(401);
    expect((await push(new TestClient(t.url), project.slug, { version: 'x-1' }, tgz)).status).toBe(401);
  });

  it("gives project A's token a 404 on project B", async () => {
    const other = await createProject(t);
    const tgz = await sampleTarball();
    expect((await push(api, other.slug, { version: 'cross-1' }, tgz)).status).toBe(404);
    expect((await api.get(artifactsPath(other.slug))).status).toBe(404);
    const otherToken = await createToken(t, other.id);
    expect(
      (await new TestClient(t.url, otherToken.token).get(`${artifactsPath(project.slug)}/1.0.0/download`)).status,
    ).toBe(404);
    expect(await t.app.get(PrismaService).artifact.count({ where: { projectId: other.id } })).toBe(0);
  });

  it('lets viewers read but not push, deployers push (shown by email), and hides the project from others', async () => {
    const tgz = await sampleTarball();
    const viewer = await memberClient(t, project.id, 'viewer');
    expect((await viewer.client.get(artifactsPath(project.slug))).status).toBe(200);
    expect((await viewer.client.get(`${artifactsPath(project.slug)}/1.0.0/download`)).status).toBe(200);
    expect((await push(viewer.client, project.slug, { version: 'viewer-1' }, tgz)).status).toBe(403);
    expect(
      (await viewer.client.post(`${artifactsPath(project.slug)}/image`, { version: 'viewer-2', image: 'r.io/a:1' }))
        .status,
    ).toBe(403);

    const deployer = await memberClient(t, project.id, 'deployer');
    const res = await push(deployer.client, project.slug, { version: 'deployer-1' }, tgz);
    expect(res.status).toBe(201);
    expect(res.body.uploadedBy).toBe(deployer.user.email);
    const row = await t.app.get(PrismaService).artifact.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row).toMatchObject({ uploadedByUserId: deployer.user.id, uploadedByTokenId: null });
    expect((await deployer.client.get(`${artifactsPath(project.slug)}/deployer-1`)).body.uploadedBy).toBe(
      deployer.user.email,
    );

    const stranger = await memberClient(t, project.id, null);
    expect((await stranger.client.get(artifactsPath(project.slug))).status).toBe(404);
    expect((await push(stranger.client, project.slug, { version: 'stranger-1' }, tgz)).status).toBe(404);

    const admin = new TestClient(t.url);
    await admin.login(TEST_ADMIN.email, TEST_ADMIN.password);
    expect((await push(admin, project.slug, { version: 'admin-1' }, tgz)).status).toBe(201);
  });
});

describe('OpenAPI', () => {
  it('documents the artifact routes, query parameters and the raw gzip body', async () => {
    const doc = (await new TestClient(t.url).get('/api/docs-json')).body;
    const upload = doc.paths['/api/v1/projects/{slug}/artifacts/tarball'].post;
    expect(upload.tags).toContain('artifacts');
    expect(upload.requestBody.content['application/gzip'].schema).toMatchObject({ type: 'string', format: 'binary' });
    const params = upload.parameters
      .filter((p: { in: string }) => p.in === 'query')
      .map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['version', 'sha256', 'ref', 'commit', 'message', 'author']));
    const list = doc.paths['/api/v1/projects/{slug}/artifacts'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor']));
    expect(doc.paths['/api/v1/projects/{slug}/artifacts/{version}/download'].get.tags).toContain('artifacts');
  });
});
