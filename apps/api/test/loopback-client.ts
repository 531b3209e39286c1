// An HTTP client that connects from a chosen loopback source address (127.0.0.N), so tests
// can play several client machines against one API. fetch cannot pick its source address.
import http from 'node:http';
import type { Res } from './http-client.js';

export class LoopbackClient {
  private cookie: string | null = null;
  constructor(
    readonly baseUrl: string,
    readonly localAddress: string,
  ) {}

  request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const h: Record<string, string> = { ...headers };
    if (payload !== undefined) h['content-type'] = 'application/json';
    if (this.cookie) h.cookie = this.cookie;
    return new Promise((resolve, reject) => {
      const req = http.request(this.baseUrl + path, {
        method,
        headers: h,
        localAddress: this.localAddress,
        agent: false,
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const setCookie = res.headers['set-cookie']?.[0];
          if (setCookie) this.cookie = setCookie.split(';')[0] ?? null;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (typeof v === 'string') out.set(k, v);
            else if (Array.isArray(v)) for (const item of v) out.append(k, item);
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: out });
        });
      });
      req.end(payload);
    });
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  login(email: string, password: string, headers?: Record<string, string>) {
    return this.post('/api/v1/auth/login', { email, password }, headers);
  }
}
