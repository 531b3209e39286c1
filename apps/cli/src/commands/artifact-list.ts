// `wharf artifact list`: newest first, as a table or the raw Page<ArtifactView> JSON.
import type { ArtifactView, Page } from '@wharf/shared';
import { expectJson, requireFields } from '../api-response.js';
import type { ListOptions } from '../args.js';
import { resolveServer } from '../config.js';
import { CliError, EXIT, oneLine } from '../errors.js';
import { WharfHttpClient } from '../http-client.js';
import { formatBytes } from '../progress.js';
import { warnIfPlainHttp, type CommandContext } from './context.js';

const COLUMNS = ['VERSION', 'KIND', 'SIZE', 'REF', 'COMMIT', 'CREATED', 'MESSAGE'] as const;

/** Server text is printed to a terminal: strip control characters (no escape sequences). */
function cell(value: string | null | undefined, max: number): string {
  return value ? oneLine(value, max) : '-';
}

export function artifactRow(a: ArtifactView): string[] {
  // A deleted version keeps its record (and its name) but has no file any more.
  const deleted = Boolean(a.deleted);
  return [
    deleted ? `${cell(a.version, 40)} (deleted)` : cell(a.version, 40),
    cell(a.kind, 8),
    !deleted && a.kind === 'tarball' && typeof a.sizeBytes === 'number' ? formatBytes(a.sizeBytes) : '-',
    cell(a.gitRef, 30),
    cell(a.commitSha?.slice(0, 8), 8),
    // ISO 8601 in UTC, minutes precision: 2026-11-28 08:40Z
    typeof a.createdAt === 'string' && a.createdAt.length >= 16
      ? `${a.createdAt.slice(0, 10)} ${a.createdAt.slice(11, 16)}Z`
      : cell(a.createdAt, 25),
    cell(a.commitMessage?.split('\n')[0], 50),
  ];
}

export function renderTable(header: readonly string[], rows: readonly string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export async function artifactList(opts: ListOptions, ctx: CommandContext): Promise<void> {
  const server = resolveServer(opts.url, ctx.env);
  warnIfPlainHttp(server.baseUrl, ctx);
  const client = new WharfHttpClient(server, opts.timeoutMs);
  const res = await client.getJson(`/api/v1/projects/${encodeURIComponent(opts.project)}/artifacts`, {
    limit: opts.limit,
    cursor: opts.cursor,
  });
  const page = requireFields<Page<ArtifactView>>(expectJson(res, 200, 'list'), ['items'], 'list');
  if (!Array.isArray(page.items)) {
    throw new CliError(
      EXIT.server,
      "list: the server's answer is not the expected shape (is WHARF_URL a Wharf server?)",
    );
  }
  if (opts.json) {
    ctx.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return;
  }
  if (page.items.length === 0) {
    ctx.stdout.write(`no artifacts in ${opts.project}${opts.cursor ? ' after this cursor' : ''}\n`);
  } else {
    ctx.stdout.write(`${renderTable(COLUMNS, page.items.map(artifactRow))}\n`);
  }
  if (typeof page.nextCursor === 'string' && page.nextCursor) {
    ctx.stderr.write(`wharf: more artifacts: add --cursor ${oneLine(page.nextCursor, 200)}\n`);
  }
}
