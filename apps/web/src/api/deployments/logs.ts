// Stored log lines over REST: pages backwards from the tail (a finished log opens at its
// end however long it is) and the server-side search for logs too big for the browser.
import type { LogLineView, LogSearchResult } from '@wharf/shared';
import { api, seg } from '../client';

/** Lines per page when opening a log at its tail or paging backwards. */
export const LOG_PAGE = 1000;
const SEARCH_PAGE = 200;

const logsPath = (slug: string, id: string) => `/projects/${seg(slug)}/deployments/${seg(id)}/logs`;

/** The last `limit` lines before `before` (`end`: the tail), in seq order. */
export function fetchLogBefore(
  slug: string,
  id: string,
  before: number | 'end',
  limit = LOG_PAGE,
  signal?: AbortSignal,
): Promise<LogLineView[]> {
  return api<LogLineView[]>(logsPath(slug, id), { query: { before, limit }, signal });
}

/** Lines containing `q` (case-insensitive) after `afterSeq`; nextAfterSeq pages on. */
export function searchLog(slug: string, id: string, q: string, afterSeq = 0): Promise<LogSearchResult> {
  return api<LogSearchResult>(`${logsPath(slug, id)}/search`, { query: { q, afterSeq, limit: SEARCH_PAGE } });
}
