import type { ArtifactView } from '@wharf/shared';
import type { ReactNode } from 'react';
import { Badge } from '../../components/Badge';
import { TimeAgo } from '../../components/TimeAgo';
import { useI18n } from '../../i18n/useI18n';

const firstLine = (s: string) => s.split('\n', 1)[0] ?? '';

export function ArtifactsTable({
  artifacts,
  actions,
}: {
  artifacts: ArtifactView[];
  actions?: (a: ArtifactView) => ReactNode;
}) {
  const { t, bytes, relative } = useI18n();
  return (
    <div className="table-scroll">
      <table className="table" data-testid="artifacts-table">
        <thead>
          <tr>
            <th>{t('artifacts.version')}</th>
            <th>{t('artifacts.kind')}</th>
            <th className="num">{t('artifacts.size')}</th>
            <th>{t('artifacts.sha256')}</th>
            <th>{t('artifacts.ref')}</th>
            <th>{t('artifacts.commit')}</th>
            <th>{t('artifacts.uploader')}</th>
            <th>{t('artifacts.age')}</th>
            {actions && <th className="actions-col">{t('common.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {artifacts.map((a) => (
            <tr
              key={a.id}
              data-testid={`artifact-row-${a.version}`}
              data-version={a.version}
              className={a.deleted ? 'row-dim' : undefined}
            >
              <td>
                <span className="mono strong" data-testid="artifact-version">
                  {a.version}
                </span>
                {a.deleted && (
                  <>
                    {' '}
                    <Badge tone="neutral" testId="deleted-badge">
                      {t('artifacts.deleted')}
                    </Badge>
                    <div className="muted small" data-testid="deleted-note">
                      {a.deleted.reason === 'retention'
                        ? t('artifacts.deletedByRetention', { when: relative(a.deleted.at) })
                        : t('artifacts.deletedBy', {
                            when: relative(a.deleted.at),
                            who: a.deleted.by ?? t('artifacts.deletedByUnknown'),
                          })}
                    </div>
                  </>
                )}
                {a.hasNodeModules && (
                  <>
                    {' '}
                    <Badge tone="warn" title={t('artifacts.nodeModulesHint')} testId="node-modules-badge">
                      node_modules
                    </Badge>
                  </>
                )}
              </td>
              <td>
                <Badge tone={a.kind === 'image' ? 'info' : 'neutral'}>{t(`artifactKind.${a.kind}`)}</Badge>
              </td>
              <td className="num">{a.sizeBytes === null ? '—' : bytes(a.sizeBytes)}</td>
              <td className="mono" title={a.sha256 ?? a.imageDigest ?? undefined}>
                {a.sha256 ? a.sha256.slice(0, 12) : a.imageDigest ? a.imageDigest.slice(7, 19) : '—'}
                {a.imageRef && (
                  <div className="muted small truncate" title={a.imageRef}>
                    {a.imageRef}
                  </div>
                )}
              </td>
              <td className="mono truncate" title={a.gitRef ?? undefined}>
                {a.gitRef ?? '—'}
              </td>
              <td>
                {a.commitSha ? (
                  <div className="commit-cell">
                    <span className="mono" title={a.commitSha}>
                      {a.commitSha.slice(0, 8)}
                    </span>
                    {a.commitMessage && (
                      <span className="muted truncate" title={a.commitMessage}>
                        {firstLine(a.commitMessage)}
                      </span>
                    )}
                  </div>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td
                className="truncate"
                title={a.commitAuthor ? t('artifacts.author', { author: a.commitAuthor }) : undefined}
              >
                {a.uploadedBy ?? a.commitAuthor ?? '—'}
              </td>
              <td className="nowrap">
                <TimeAgo iso={a.createdAt} />
              </td>
              {actions && <td className="actions-col">{actions(a)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
