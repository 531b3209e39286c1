import type { LogLineView } from '@wharf/shared';
import {
  memo,
  type CSSProperties,
  useDeferredValue,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useI18n } from '../../i18n/useI18n';
import { AnsiText } from './AnsiText';
import { normaliseQuery } from './highlight';
import type { LiveState } from './live-log-session';
import type { LogBuffer } from './log-buffer';
import type { LogHistory } from './log-history';
import { LogServerSearch } from './LogServerSearch';
import { LineFilter, lineSegments, ROW_PX, rowWindow, scrollRowOf } from './log-view-model';

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function clock(locale: string, iso: string): string {
  let f = timeFormats.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    timeFormats.set(locale, f);
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : f.format(d);
}

const LogRow = memo(function LogRow({
  line,
  target,
  query,
  locale,
}: {
  line: LogLineView;
  target: string;
  query: string;
  locale: string;
}) {
  return (
    <div className={`log-line log-${line.stream}`} data-testid="log-line" data-seq={line.seq} data-stream={line.stream}>
      <span className="log-seq" aria-hidden="true">
        {line.seq}
      </span>
      <span className="log-time">{clock(locale, line.at)}</span>
      <span className="log-target" title={target}>
        {target}
      </span>
      <span className="log-text">
        <AnsiText segments={lineSegments(line)} query={query} />
      </span>
    </div>
  );
});

export function LogViewer({
  buffer,
  targetNames,
  downloadUrl,
  live,
  onRetryLive,
  active,
  truncated,
  history,
  prunedAt = null,
}: {
  buffer: LogBuffer;
  /** targetId -> name, for the target column. */
  targetNames: ReadonlyMap<string, string>;
  downloadUrl: string;
  live: LiveState;
  onRetryLive: () => void;
  /** The deployment is still queued or running (more lines may come). */
  active: boolean;
  truncated: boolean;
  /** Older pages and the server-side search, for a log opened at its tail. */
  history?: LogHistory;
  /** When log retention removed the lines (the release record stays). */
  prunedAt?: string | null;
}) {
  const { t, locale, dateTime } = useI18n();
  const revision = useSyncExternalStore(buffer.subscribe, buffer.getRevision);
  const [following, setFollowing] = useState(true);
  const [search, setSearch] = useState('');
  const query = useDeferredValue(normaliseQuery(search));
  const [filter] = useState(() => new LineFilter());
  const viewport = useRef<HTMLDivElement>(null);
  const [viewportPx, setViewportPx] = useState(0);
  const [scrollRow, setScrollRow] = useState(0);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const [serverQuery, setServerQuery] = useState<string | null>(null);
  const firstSeqBefore = useRef(buffer.firstSeq);

  // Indices into the buffer of the lines shown (all of them without a search).
  const shown = useMemo(
    () => (query ? filter.matching(buffer, query) : null),
    // revision: the buffer grew; the filter scans only the new lines.
    [buffer, filter, query, revision],
  );
  const count = shown ? shown.length : buffer.length;
  const { start, end } = rowWindow(count, viewportPx, scrollRow, following);

  useEffect(() => {
    const el = viewport.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setViewportPx(el.clientHeight));
    ro.observe(el);
    setViewportPx(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // Following: stay at the bottom as lines arrive (and when following is switched on).
  useLayoutEffect(() => {
    const el = viewport.current;
    if (following && el) el.scrollTop = el.scrollHeight;
  }, [following, count]);

  // An older page went in front: keep the line the reader was looking at in place.
  useLayoutEffect(() => {
    const el = viewport.current;
    const added = firstSeqBefore.current - buffer.firstSeq;
    firstSeqBefore.current = buffer.firstSeq;
    if (el && added > 0 && !query && firstSeqBefore.current > 0) el.scrollTop += added * ROW_PX;
  }, [buffer, revision, query]);

  const loadOlder = () => {
    if (!history || !buffer.hasOlder || history.loading) return;
    setLoadingOlder(true);
    setOlderError(null);
    history.loadOlder().then(
      () => setLoadingOlder(false),
      (err: unknown) => {
        setLoadingOlder(false);
        setOlderError(err instanceof Error ? err.message : String(err));
      },
    );
  };

  const onScroll = () => {
    const el = viewport.current;
    if (!el) return;
    setScrollRow(scrollRowOf(el.scrollTop));
    // Near the top of what is loaded: fetch the page before it.
    if (el.scrollTop < ROW_PX * 200 && !following && !olderError) loadOlder();
    // Scrolling up pauses following; programmatic scrolls always land at the bottom.
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= ROW_PX * 2;
    if (following && !atBottom) setFollowing(false);
  };

  const rows = [];
  for (let i = start; i < end; i++) {
    const line = buffer.at(shown ? shown[i]! : i);
    if (!line) continue;
    const target = line.targetId === null ? '' : (targetNames.get(line.targetId) ?? line.targetId.slice(0, 8));
    rows.push(<LogRow key={line.seq} line={line} target={target} query={query} locale={locale} />);
  }

  return (
    <div className="log-panel">
      <div className="log-toolbar">
        <button
          type="button"
          className={`btn btn-small${following ? ' btn-toggle-on' : ''}`}
          aria-pressed={following}
          data-testid="follow-toggle"
          onClick={() => setFollowing((f) => !f)}
          title={following ? t('log.pauseHint') : t('log.followHint')}
        >
          {following ? t('log.following') : t('log.paused')}
        </button>
        <input
          type="search"
          className="log-search"
          placeholder={t('log.search')}
          aria-label={t('log.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="log-search"
        />
        {query && (
          <span className="muted small" data-testid="log-match-count">
            {t('log.matches', { count: shown?.length ?? 0 })}
          </span>
        )}
        <span className="log-toolbar-right">
          <LiveIndicator state={live} active={active} onRetry={onRetryLive} />
          <span className="muted small" data-testid="log-line-count">
            {t('log.lineCount', { count: buffer.lastSeq })}
          </span>
          <a className="btn btn-small" href={downloadUrl} download data-testid="download-log">
            {t('log.download')}
          </a>
        </span>
      </div>
      {history && buffer.hasOlder && (
        <div className="log-older muted small" data-testid="log-older">
          {loadingOlder ? (
            t('log.olderLoading')
          ) : (
            <>
              {olderError
                ? t('log.olderFailed', { message: olderError })
                : t('log.olderAvailable', { count: buffer.firstSeq - 1 })}{' '}
              <button type="button" className="btn btn-small" onClick={loadOlder} data-testid="log-load-older">
                {t('log.loadOlder')}
              </button>
            </>
          )}
          {query && serverQuery === null && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => setServerQuery(search.trim())}
              data-testid="log-server-search-open"
            >
              {t('log.serverSearch')}
            </button>
          )}
        </div>
      )}
      {history && serverQuery !== null && (
        <LogServerSearch
          history={history}
          query={serverQuery}
          targetNames={targetNames}
          onClose={() => setServerQuery(null)}
        />
      )}
      {truncated && (
        <div className="alert alert-warn log-note" data-testid="log-truncated">
          {t('log.truncated')}
        </div>
      )}
      <div
        className="log-viewport"
        ref={viewport}
        onScroll={onScroll}
        data-testid="deployment-log"
        role="log"
        aria-live="off"
        aria-label={t('log.title')}
        tabIndex={0}
        // The line-number column fits the largest seq.
        style={{ '--seq-width': `${String(buffer.lastSeq).length + 1}ch` } as CSSProperties}
      >
        {count === 0 ? (
          <div className="log-empty" data-testid="log-empty">
            {query
              ? t('log.noMatches', { query: search.trim() })
              : prunedAt
                ? t('log.pruned', { date: dateTime(prunedAt) })
                : active
                  ? t('log.waiting')
                  : t('log.empty')}
          </div>
        ) : (
          <div className="log-spacer" style={{ height: count * ROW_PX }}>
            <div className="log-window" style={{ transform: `translateY(${start * ROW_PX}px)` }}>
              {rows}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

function LiveIndicator({ state, active, onRetry }: { state: LiveState; active: boolean; onRetry: () => void }) {
  const { t } = useI18n();
  switch (state.kind) {
    case 'live':
      return (
        <span className="live-state live-on" data-testid="live-state" data-state="live">
          {active ? t('log.live') : t('log.complete')}
        </span>
      );
    case 'connecting':
      return (
        <span className="live-state" data-testid="live-state" data-state="connecting">
          {t('log.connecting')}
        </span>
      );
    case 'reconnecting':
      return (
        <span className="live-state live-warn" data-testid="live-state" data-state="reconnecting" title={state.message}>
          {t('log.reconnecting')}
        </span>
      );
    case 'stopped':
      return (
        <span className="live-state live-off" data-testid="live-state" data-state="stopped" title={state.message}>
          {state.message ? t('log.stoppedBecause', { message: state.message }) : t('log.stopped')}{' '}
          <button type="button" className="btn btn-small" onClick={onRetry} data-testid="live-retry">
            {t('log.reconnect')}
          </button>
        </span>
      );
  }
}
