// Reads a JSON request body with a size cap. Unlike body-parser, a body over the cap is
// refused as soon as the cap is crossed (or at once when Content-Length says so), without
// first reading the rest of it.
import type { IncomingMessage } from 'node:http';
import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';

export const JSON_BODY_LIMIT_BYTES = 256 * 1024;

/** The parsed body (an object or array), or undefined when the request has none. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge();
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new UnsupportedMediaTypeException('compressed request bodies are not accepted');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // destroyOnReturn: false: stopping at the cap must not kill the socket before the 413.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof HttpException) throw err;
    throw new BadRequestException('the request body was interrupted');
  }
  if (size === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)));
  } catch {
    // The parser's own message quotes the body, which may hold a secret (a credential).
    throw new BadRequestException('request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object') {
    throw new BadRequestException('request body must be a JSON object or array');
  }
  return value;
}

function tooLarge(): PayloadTooLargeException {
  return new PayloadTooLargeException('request body is too large');
}
