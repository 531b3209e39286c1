import { Fragment, useState } from 'react';
import { useDeleteCredential } from '../../api/credentials/mutations';
import { useCredentials } from '../../api/credentials/queries';
import { Badge } from '../../components/Badge';
import { DeleteRowActions } from '../../components/DeleteRowActions';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { Section } from '../../components/Section';
import { TimeAgo } from '../../components/TimeAgo';
import { CredentialForm } from '../../features/credentials/CredentialForm';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';
import { MaintainersOnly } from './MaintainersOnly';

export function CredentialsTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const allowed = can('maintainer');
  const credentials = useCredentials(project.slug, allowed);
  const remove = useDeleteCredential(project.slug);
  const [creating, setCreating] = useState(false);
  const [rotatingId, setRotatingId] = useState<string | null>(null);

  if (!allowed) return <MaintainersOnly />;

  return (
    <Section
      title={t('tab.credentials')}
      actions={
        !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="credential-create-button"
            onClick={() => setCreating(true)}
          >
            {t('credentials.new')}
          </button>
        )
      }
    >
      <div className="alert alert-info" data-testid="credentials-write-only">
        {t('credentials.writeOnly')}
      </div>
      {creating && <CredentialForm slug={project.slug} onDone={() => setCreating(false)} />}
      <QueryView
        query={credentials}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="credentials-empty" title={t('credentials.empty.title')}>
            {t('credentials.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="credentials-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('credentials.kind')}</th>
                <th>{t('credentials.fingerprint')}</th>
                <th>{t('field.created')}</th>
                <th>{t('credentials.rotated')}</th>
                <th className="actions-col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((c) => (
                <Fragment key={c.id}>
                  <tr data-testid={`credential-row-${c.name}`}>
                    <td className="mono strong">{c.name}</td>
                    <td>
                      <Badge>{t(`credentialKind.${c.kind}`)}</Badge>
                    </td>
                    <td className="mono small truncate" title={c.fingerprint} data-testid="credential-fingerprint">
                      {c.fingerprint}
                      {c.kind === 'token' && (
                        <div className="muted" data-testid="credential-origins">
                          {c.allowedOrigins.length > 0
                            ? t('credentials.sentTo', { origins: c.allowedOrigins.join(', ') })
                            : t('credentials.sentNowhere')}
                        </div>
                      )}
                    </td>
                    <td>
                      <TimeAgo iso={c.createdAt} />
                    </td>
                    <td>
                      <TimeAgo iso={c.rotatedAt} />
                    </td>
                    <td className="actions-col">
                      <DeleteRowActions
                        rowKey={c.id}
                        remove={remove}
                        question={t('credentials.deleteConfirm', { name: c.name })}
                        testId="credential-delete"
                      >
                        <button
                          type="button"
                          className="btn btn-small"
                          data-testid="credential-rotate"
                          disabled={rotatingId === c.id}
                          onClick={() => setRotatingId(c.id)}
                        >
                          {t('credentials.rotate')}
                        </button>
                      </DeleteRowActions>
                    </td>
                  </tr>
                  {rotatingId === c.id && (
                    <tr className="row-form">
                      <td colSpan={6}>
                        <CredentialForm slug={project.slug} credential={c} onDone={() => setRotatingId(null)} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}
