// A tiny stand-in for the Wharf API's artifact routes, speaking the same HTTP contract
// (api-contract.md): streams uploads to a temp file while hashing them, answers with
// ArtifactView / Page / ErrorView JSON. Only for testing the CLI.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { ArtifactView, ErrorView, Page } from '@wharf/shared';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Uploads only: where the body was stored, its size and sha256 as received, and trailers. */
  bodyFile?: string;
  bodyBytes?: number;
  bodySha256?: string;
  trailers?: IncomingMessage['trailers'];
  /** JSON requests only. */
  json?: unknown;
}

export interface FakeOptions {
  token: string;
  tempDir: string;
  /** Versions that already exist: pushing one gets 409 before the body is read. */
  existing?: Set<string>;
  /** Content-Length (or X-Content-Length) above this gets 413 before the body is read. */
  maxBytes?: number;
  /** Artifacts returned by the list route. */
  artifacts?: ArtifactView[];
  nextCursor?: string | null;
  /** Called once an upload's body has fully arrived, before the answer is sent. */
  onBodyReceived?: () => void;
  /**
   * Expect: 100-continue. Default: Node's own (100 at once). `wharf`: like the real API, 100
   * only once the checks passed and the body is about to be read, refusals instead of 100.
   * `ignore`: never 100, as some proxies do; the body is read when it comes.
   */
  expectContinue?: 'wharf' | 'ignore';
}

export function artifactView(overrides: Partial<ArtifactView> = {}): ArtifactView {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    version: '1.0.0',
    kind: 'tarball',
    sha256: null,
    sizeBytes: null,
    imageRef: null,
    imageDigest: null,
    hasNodeModules: false,
    gitRef: null,
    commitSha: null,
    commitMessage: null,
    commitAuthor: null,
    uploadedBy: 'token:ci',
    createdAt: '2026-11-28T08:40:00.000Z',
    deleted: null,
    ...overrides,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function error(res: ServerResponse, statusCode: number, errorName: string, message: string): void {
  const view: ErrorView = { statusCode, error: errorName, message };
  send(res, statusCode, view);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

export class FakeWharfServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: Server;
  private uploads = 0;
  private bytesFromClosed = 0;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: FakeOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) error(res, 500, 'Internal Server Error', String(err));
      });
    });
    if (options.expectContinue) {
      // Handling checkContinue means Node sends no 100 by itself.
      this.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) =>
        this.server.emit('request', req, res),
      );
    }
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.bytesFromClosed += socket.bytesRead;
        this.sockets.delete(socket);
      });
    });
  }

  /** Every byte the server has read from clients so far (request heads included). */
  get bytesRead(): number {
    let open = 0;
    for (const s of this.sockets) open += s.bytesRead;
    return this.bytesFromClosed + open;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
    };
    this.requests.push(record);

    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      return error(res, 401, 'Unauthorized', 'invalid or revoked API token');
    }
    const match = /^\/api\/v1\/projects\/([^/]+)\/artifacts(?:\/(tarball|image))?$/.exec(url.pathname);
    if (!match || match[1] !== 'shop') return error(res, 404, 'Not Found', 'project not found');

    if (req.method === 'GET' && !match[2]) {
      const page: Page<ArtifactView> = {
        items: this.options.artifacts ?? [],
        nextCursor: this.options.nextCursor ?? null,
      };
      return send(res, 200, page);
    }
    if (req.method === 'POST' && match[2] === 'image') {
      const body = (await readJson(req)) as Record<string, string>;
      record.json = body;
      return send(
        res,
        201,
        artifactView({ kind: 'image', version: body.version, imageRef: body.image, imageDigest: body.digest ?? null }),
      );
    }
    if (req.method === 'POST' && match[2] === 'tarball') return this.upload(req, res, record, url.searchParams);
    return error(res, 404, 'Not Found', 'no such route');
  }

  private async upload(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, query: URLSearchParams) {
    const version = query.get('version') ?? '';
    // Like the real API: refuse early, without reading the body.
    if (this.options.existing?.has(version)) {
      return error(res, 409, 'Conflict', `version ${version} already exists`);
    }
    const length = Number(req.headers['content-length'] ?? req.headers['x-content-length'] ?? 0);
    if (this.options.maxBytes !== undefined && length > this.options.maxBytes) {
      return error(res, 413, 'Payload Too Large', `artifact is larger than the ${this.options.maxBytes} byte limit`);
    }

    if (this.options.expectContinue === 'wharf' && req.headers.expect === '100-continue') res.writeContinue();
    const file = join(this.options.tempDir, `upload-${++this.uploads}.tgz`);
    const hash = createHash('sha256');
    let bytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        bytes += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(req, tap, createWriteStream(file));
    record.bodyFile = file;
    record.bodyBytes = bytes;
    record.bodySha256 = hash.digest('hex');
    // Read once the body has ended: only then are the trailers parsed.
    record.trailers = { ...req.trailers };
    this.options.onBodyReceived?.();

    // Like the real API: the X-Checksum-Sha256 trailer and/or the sha256 query, each verified.
    const claimed = [req.trailers['x-checksum-sha256'], query.get('sha256') ?? undefined].filter(
      (v): v is string => v !== undefined,
    );
    if (claimed.length === 0) return error(res, 400, 'Bad Request', 'no sha256 trailer or query');
    if (claimed.some((sha) => sha !== record.bodySha256)) {
      return error(res, 400, 'Bad Request', 'sha256 mismatch');
    }
    const declared = req.headers['x-content-length'];
    if (declared !== undefined && Number(declared) !== bytes) {
      return error(res, 400, 'Bad Request', 'size mismatch');
    }
    return send(
      res,
      201,
      artifactView({
        version,
        sha256: record.bodySha256,
        sizeBytes: bytes,
        gitRef: query.get('ref'),
        commitSha: query.get('commit'),
        commitMessage: query.get('message'),
        commitAuthor: query.get('author'),
      }),
    );
  }
}
