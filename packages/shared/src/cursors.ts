// Page cursors. The API hands out `nextCursor`; a client sends it back untouched. A cursor that
// was not made by the API (tampered, truncated, made up) is refused at the edge with a 400
// naming `cursor`: it never reaches a query, where it would be a database error.
import { z } from 'zod';

export const CURSOR_MESSAGE = 'cursor is not valid; use the nextCursor of a previous page';

/** Position in a list ordered by (createdAt desc, id desc). */
export interface TimeIdCursor {
  createdAt: Date;
  id: string;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ID_CURSOR = /^(0|[1-9][0-9]{0,18})$/;
const INT8_MAX = 9223372036854775807n;

/** base64url (no padding) of `<ISO time with ms>|<uuid>`. */
export function encodeTimeIdCursor(c: TimeIdCursor): string {
  return btoa(`${c.createdAt.toISOString()}|${c.id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The position, or null for anything `encodeTimeIdCursor` could not have made. Four-digit
 * years only: JavaScript dates reach far beyond what Postgres timestamps hold.
 */
export function parseTimeIdCursor(cursor: string): TimeIdCursor | null {
  if (!BASE64URL.test(cursor) || cursor.length % 4 === 1) return null;
  const text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'));
  const [at, id, ...rest] = text.split('|');
  if (at === undefined || id === undefined || rest.length > 0 || !ISO_MS.test(at) || !UUID.test(id)) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) return null;
  return { createdAt, id };
}

/** Query parameter for (createdAt, id) keyset pages; parses to a TimeIdCursor. */
export const timeIdCursorSchema = z
  .string()
  .max(200, CURSOR_MESSAGE)
  .regex(BASE64URL, CURSOR_MESSAGE)
  .transform((s, ctx) => {
    const cursor = parseTimeIdCursor(s);
    if (!cursor) ctx.addIssue({ code: 'custom', message: CURSOR_MESSAGE, input: s });
    return cursor ?? z.NEVER;
  });

/** Query parameter for pages of a bigint-keyed table (id desc); parses to the id (int8). */
export const idCursorSchema = z
  .string()
  .regex(ID_CURSOR, CURSOR_MESSAGE)
  // zod runs every check even after one fails: test the shape again before BigInt().
  .refine((s) => ID_CURSOR.test(s) && BigInt(s) <= INT8_MAX, CURSOR_MESSAGE)
  .transform((s) => BigInt(s));
