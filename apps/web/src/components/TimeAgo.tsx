import { useI18n } from '../i18n/useI18n';

/** Relative time with the full date in a tooltip; "—" for null. */
export function TimeAgo({ iso }: { iso: string | null | undefined }) {
  const { relative, dateTime } = useI18n();
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={dateTime(iso)}>
      {relative(iso)}
    </time>
  );
}

export function DateTime({ iso }: { iso: string | null | undefined }) {
  const { dateTime } = useI18n();
  if (!iso) return <span className="muted">—</span>;
  return <time dateTime={iso}>{dateTime(iso)}</time>;
}
