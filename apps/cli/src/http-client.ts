// Minimal HTTP client over node:http/https. Uploads pipe a file stream into the request
// (backpressure from the socket pauses the file reads), so memory stays flat for any size,
// and hash it on the way: one read of the file, the sha256 goes out as an HTTP trailer.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { ServerConfig } from './config.js';
import { CliError, EXIT } from './errors.js';
import { CHECKSUM_TRAILER, CHUNK_BYTES, DECLARED_LENGTH_HEADER } from './hash-file.js';
import { CLI_VERSION } from './version.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Query = Record<string, string | number | undefined>;

/** Error responses and JSON views are small; anything bigger is cut, never buffered whole. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** How long an upload waits for "100 Continue" before sending anyway (a proxy may swallow it). */
const CONTINUE_WAIT_MS = 1_000;

export class WharfHttpClient {
  constructor(
    private readonly server: ServerConfig,
    private readonly timeoutMs: number,
  ) {}

  /** Full URL for an API path, keeping any path prefix of the base URL (reverse proxies). */
  url(path: string, query: Query = {}): URL {
    const url = new URL(this.server.baseUrl.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  async getJson(path: string, query: Query = {}): Promise<HttpResponse> {
    return this.send('GET', this.url(path, query), { Accept: 'application/json' }, (req) => req.end());
  }

  async postJson(path: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = Buffer.from(JSON.stringify(body));
    const headers = {
      ...extraHeaders,
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
    };
    return this.send('POST', this.url(path), headers, (req) => req.end(payload));
  }

  /**
   * Streams `file` (exactly `size` bytes) as a chunked request body, hashing it as it goes,
   * and sends its sha256 as the X-Checksum-Sha256 trailer after the last chunk (trailers
   * rule out Content-Length, so the size goes in X-Content-Length). `onProgress` gets the
   * bytes handed to the socket so far; `onBodySent` fires with the sha256 once the whole
   * body and the trailer have been written. With Expect: 100-continue the body only goes
   * out once the server said so: a refusal (bad token, existing version, too large) comes
   * back before a single byte of the file is sent.
   */
  async uploadFile(
    url: URL,
    file: { path: string; size: number },
    contentType: string,
    onProgress: (bytes: number) => void,
    onBodySent: (sha256: string) => void,
  ): Promise<HttpResponse> {
    const headers = {
      Accept: 'application/json',
      'Content-Type': contentType,
      'Transfer-Encoding': 'chunked',
      Trailer: CHECKSUM_TRAILER,
      [DECLARED_LENGTH_HEADER]: file.size,
      Expect: '100-continue',
    };
    return this.send(
      'POST',
      url,
      headers,
      (req, hooks) => {
        // The body goes out on "100 Continue", or after CONTINUE_WAIT_MS without any answer.
        let started = false;
        let answered = false;
        const sendBody = () => {
          clearTimeout(timer);
          if (started || answered) return;
          started = true;
          this.streamFile(req, hooks, file, onProgress, onBodySent);
        };
        const timer = setTimeout(sendBody, CONTINUE_WAIT_MS);
        req.once('continue', sendBody);
        hooks.onResponse(() => {
          answered = true;
          clearTimeout(timer);
        });
        req.flushHeaders();
      },
      true,
    );
  }

  /** The upload body: the file's bytes, hashed on the way, then the checksum trailer. */
  private streamFile(
    req: ClientRequest,
    hooks: { fail: (err: Error) => void; onResponse: (fn: () => void) => void },
    file: { path: string; size: number },
    onProgress: (bytes: number) => void,
    onBodySent: (sha256: string) => void,
  ): void {
    const hash = createHash('sha256');
    const finish = () => {
      const sha256 = hash.digest('hex');
      req.addTrailers({ [CHECKSUM_TRAILER]: sha256 });
      req.end();
      onBodySent(sha256);
    };
    if (file.size === 0) {
      finish();
      return;
    }
    const source = createReadStream(file.path, { highWaterMark: CHUNK_BYTES, start: 0, end: file.size - 1 });
    let sent = 0;
    source.on('data', (chunk) => {
      hash.update(chunk as Buffer);
      sent += chunk.length;
      onProgress(sent);
    });
    source.on('error', (err: NodeJS.ErrnoException) => {
      hooks.fail(new CliError(EXIT.usage, `cannot read the file: ${err.code ?? 'read error'}`));
    });
    source.on('end', () => {
      if (sent !== file.size) {
        hooks.fail(
          new CliError(EXIT.usage, 'the file shrank while it was being uploaded; push it once the build has finished'),
        );
        return;
      }
      finish();
    });
    // The server may answer before reading everything (e.g. 409, 413): stop sending then.
    hooks.onResponse(() => {
      source.unpipe(req);
      source.destroy();
    });
    // end: false: the request is ended by finish(), after the trailer is added.
    source.pipe(req, { end: false });
  }

  private send(
    method: 'GET' | 'POST',
    url: URL,
    extraHeaders: Record<string, string | number>,
    writeBody: (
      req: ClientRequest,
      hooks: { fail: (err: Error) => void; onResponse: (fn: () => void) => void },
    ) => void,
    /** The body is a streamed file: a reset before the answer gets an upload-specific hint. */
    uploading = false,
  ): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      // A keep-alive agent, not `agent: false`: the latter sends "Connection: close", and some
      // servers that answer early (401/409/413) to such a request reset the connection before
      // the answer is read. (Wharf itself closes after such an answer anyway; uploads ask for
      // 100 Continue first, so a refused one has sent nothing.)
      // One agent per request, destroyed when done, so no idle socket keeps the process up.
      const transport = url.protocol === 'https:' ? https : http;
      const agent = new transport.Agent({ keepAlive: true, maxSockets: 1 });
      const req = transport.request(url, {
        method,
        agent,
        headers: {
          ...extraHeaders,
          Authorization: `Bearer ${this.server.token}`,
          'User-Agent': `wharf-cli/${CLI_VERSION} node/${process.versions.node}`,
        },
      });
      let settled = false;
      let responded = false;
      const responseListeners: (() => void)[] = [];

      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        req.destroy();
        agent.destroy();
        reject(err instanceof CliError ? err : networkError(err, url, responded, uploading));
      };

      req.setTimeout(this.timeoutMs, () => {
        fail(
          new CliError(
            EXIT.network,
            `no response from ${url.origin} for ${Math.round(this.timeoutMs / 1000)}s (see --timeout)`,
          ),
        );
      });
      req.on('error', (err) => {
        // Once a response has started, a write error (EPIPE after an early 413) is noise.
        if (!responded) fail(err);
      });
      req.on('response', (res: IncomingMessage) => {
        responded = true;
        for (const fn of responseListeners) fn();
        readBody(res).then(
          (body) => {
            if (settled) return;
            settled = true;
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body });
            // Frees the socket, also when the server answered before the upload finished.
            req.destroy();
            agent.destroy();
          },
          (err: Error) => fail(err),
        );
      });

      writeBody(req, { fail, onResponse: (fn) => responseListeners.push(fn) });
    });
  }
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size >= MAX_RESPONSE_BYTES) return;
      chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    // An error response whose connection then closes still has a usable body.
    res.on('aborted', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => (size > 0 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(err)));
  });
}

/** One line naming the server (origin only: never the path's query or the token). */
export function networkError(err: Error, url: URL, responded = false, uploading = false): CliError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const origin = url.origin;
  let reason: string;
  switch (code) {
    case 'ECONNREFUSED':
      reason = `cannot connect to ${origin}: connection refused (is WHARF_URL right and the server up?)`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      reason = `cannot resolve host ${url.hostname}`;
      break;
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      reason = `cannot reach ${origin} (${code})`;
      break;
    case 'ECONNRESET':
    case 'EPIPE':
      reason = responded
        ? `the connection to ${origin} broke while reading the answer`
        : uploading
          ? `the server at ${origin} closed the connection during the upload without answering (a proxy body-size limit, or an early rejection it did not wait to deliver)`
          : `the server at ${origin} closed the connection without answering`;
      break;
    default:
      if (/CERT|SSL|TLS|UNABLE_TO_VERIFY|SIGNATURE/i.test(code)) {
        reason = `TLS error talking to ${origin} (${code}); for a private CA set NODE_EXTRA_CA_CERTS`;
      } else {
        reason = `request to ${origin} failed: ${code || err.message}`;
      }
  }
  return new CliError(EXIT.network, reason);
}
