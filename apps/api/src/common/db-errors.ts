// The one place that reads database errors. Prisma (through the pg driver adapter) reports
// one Postgres error in several shapes: a model call gets Prisma's own code (P2002 unique,
// P2003 foreign key, P2025 not found, P1001 unreachable), a raw query gets P2010 with the
// driver's account inside (`meta.driverAdapterError.cause`: SQLSTATE, message, kind), a
// connection dropped mid-query is pg's plain "Connection terminated unexpectedly", and pg
// used directly throws a DatabaseError with the SQLSTATE in `code`. Each predicate here
// recognises every shape, so callers never look at codes or messages themselves.

type Fields = Record<string, unknown>;

function fieldsOf(value: unknown): Fields | undefined {
  return typeof value === 'object' && value !== null ? (value as Fields) : undefined;
}

/** Prisma's code (P1001, P2002, ...) of a Prisma request error. */
function prismaCode(err: unknown): string | undefined {
  const code = fieldsOf(err)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/** The driver adapter's account of what Postgres (or the socket) said. */
function driverCause(err: unknown): Fields | undefined {
  return fieldsOf(fieldsOf(fieldsOf(fieldsOf(err)?.meta)?.driverAdapterError)?.cause);
}

/** Postgres' SQLSTATE (23505, 40001, ...), wherever the error carries it. */
function sqlState(err: unknown): string | undefined {
  const code = prismaCode(err) ? driverCause(err)?.originalCode : fieldsOf(err)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The violated constraint's (or unique index's) name, when the error names one. */
function constraintName(err: unknown): string | undefined {
  const direct = fieldsOf(err)?.constraint; // pg's DatabaseError
  if (typeof direct === 'string') return direct;
  const cause = driverCause(err);
  const index = fieldsOf(cause?.constraint)?.index;
  if (typeof index === 'string') return index;
  // Unique violations name only the columns; Postgres' message names the index.
  const message = cause?.originalMessage;
  return typeof message === 'string' ? /constraint "([^"]+)"/.exec(message)?.[1] : undefined;
}

function matches(err: unknown, constraint: string | undefined): boolean {
  return constraint === undefined || constraintName(err) === constraint;
}

/**
 * A unique constraint or unique index refused the write; with `constraint`, only that one
 * (so a clash elsewhere in the same transaction is not mistaken for "name taken").
 */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  return (prismaCode(err) === 'P2002' || sqlState(err) === '23505') && matches(err, constraint);
}

/** A foreign key refused the write or the delete (a row still in use, or already gone). */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  return (prismaCode(err) === 'P2003' || sqlState(err) === '23503') && matches(err, constraint);
}

/** An update, delete or `...OrThrow` read found no row. */
export function isNotFound(err: unknown): boolean {
  return prismaCode(err) === 'P2025';
}

const CONNECTION_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
const CONNECTION_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TlsConnectionError',
  'TooManyConnections',
]);
// Admin or crash shutdown, still starting up, too many connections.
const CONNECTION_SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);
/** pg's own messages for a connection that ended; which one a query sees depends on timing. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/** The database could not be reached or went away (a restart, a dropped connection). */
export function isConnectionError(err: unknown): boolean {
  const code = prismaCode(err);
  if (code && CONNECTION_PRISMA_CODES.has(code)) return true;
  const kind = driverCause(err)?.kind;
  if (typeof kind === 'string' && CONNECTION_KINDS.has(kind)) return true;
  const state = sqlState(err);
  if (state && (state.startsWith('08') || CONNECTION_SQL_STATES.has(state))) return true;
  const own = fieldsOf(err);
  if (typeof own?.code === 'string' && SOCKET_CODES.has(own.code)) return true;
  const message = own?.message;
  return typeof message === 'string' && PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m));
}
