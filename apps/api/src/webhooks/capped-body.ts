// Reads a webhook's raw body with a cap: refused at once when Content-Length is over it, or
// as soon as the bytes read cross it, without reading the rest.
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {}
export class BodyInterruptedError extends Error {}

export async function readCappedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // destroyOnReturn: false: stopping at the cap must not kill the socket before the 413.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw new BodyTooLargeError();
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof BodyTooLargeError) throw err;
    throw new BodyInterruptedError('the request body was interrupted');
  }
  return Buffer.concat(chunks, size);
}
