// Search over the whole stored log, on the server: for a log the browser holds only part of
// (it opened at the tail), matches anywhere in it, a page at a time.
import type { LogLineView } from '@wharf/shared';
import { useEffect, useState } from 'react';
import { useI18n } from '../../i18n/useI18n';
import type { LogHistory } from './log-history';

export function LogServerSearch({
  history,
  query,
  targetNames,
  onClose,
}: {
  history: LogHistory;
  /** As typed (trimmed); the server matches it case-insensitively and literally. */
  query: string;
  targetNames: ReadonlyMap<string, string>;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const [lines, setLines] = useState<LogLineView[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const load = (afterSeq: number, replace: boolean, isCurrent: () => boolean = () => true) => {
    setBusy(true);
    setError(null);
    history.search(query, afterSeq).then(
      (r) => {
        if (!isCurrent()) return;
        setLines((prev) => (replace ? r.lines : [...prev, ...r.lines]));
        setNext(r.nextAfterSeq);
        setBusy(false);
      },
      (err: unknown) => {
        if (!isCurrent()) return;
        setError(err instanceof Error ? err.message : String(err));
        setBusy(false);
      },
    );
  };

  useEffect(() => {
    let current = true;
    load(0, true, () => current);
    return () => {
      current = false;
    };
    // A new query (or log) starts over.
  }, [history, query]);

  return (
    <div className="log-server-search" data-testid="log-server-search" role="region" aria-label={t('log.serverSearch')}>
      <div className="log-server-search-head">
        <strong>{t('log.serverSearchTitle', { query })}</strong>
        <button type="button" className="btn btn-small" onClick={onClose} data-testid="log-server-search-close">
          {t('log.close')}
        </button>
      </div>
      {error && <div className="alert alert-warn">{t('log.serverSearchFailed', { message: error })}</div>}
      {!busy && !error && lines.length === 0 && <p className="muted small">{t('log.serverSearchNone')}</p>}
      <ol className="log-server-search-results">
        {lines.map((l) => (
          <li key={l.seq} data-testid="log-server-match" data-seq={l.seq} className={`log-${l.stream}`}>
            <span className="log-seq">{l.seq}</span>{' '}
            <span className="log-target">
              {l.targetId === null ? '' : (targetNames.get(l.targetId) ?? l.targetId.slice(0, 8))}
            </span>{' '}
            <span className="log-text">{l.text}</span>
          </li>
        ))}
      </ol>
      {busy ? (
        <p className="muted small">{t('log.serverSearching')}</p>
      ) : (
        next !== null && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => load(next, false)}
            data-testid="log-server-more"
          >
            {t('log.serverSearchMore')}
          </button>
        )
      )}
    </div>
  );
}
