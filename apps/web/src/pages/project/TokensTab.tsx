import type { CreatedApiTokenView } from '@wharf/shared';
import { useState } from 'react';
import { useEnvironments } from '../../api/environments/queries';
import { useRevokeToken } from '../../api/tokens/mutations';
import { useTokens } from '../../api/tokens/queries';
import { Badge } from '../../components/Badge';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { TimeAgo } from '../../components/TimeAgo';
import { useProjectContext } from '../../features/projects/project-context';
import { CreatedTokenNotice } from '../../features/tokens/CreatedTokenNotice';
import { CreateTokenForm } from '../../features/tokens/CreateTokenForm';
import { useI18n } from '../../i18n/useI18n';
import { MaintainersOnly } from './MaintainersOnly';

export function TokensTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const allowed = can('maintainer');
  const tokens = useTokens(project.slug, allowed);
  const revoke = useRevokeToken(project.slug);
  const envs = useEnvironments(project.slug);
  const envName = (id: string) => envs.data?.find((e) => e.id === id)?.name ?? t('tokens.envDeleted');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiTokenView | null>(null);

  if (!allowed) return <MaintainersOnly />;

  return (
    <Section
      title={t('tab.tokens')}
      actions={
        !creating &&
        !created && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="token-create-button"
            onClick={() => setCreating(true)}
          >
            {t('tokens.new')}
          </button>
        )
      }
    >
      <p className="muted">{t('tokens.help')}</p>
      {created && <CreatedTokenNotice token={created} onDismiss={() => setCreated(null)} />}
      {creating && (
        <CreateTokenForm
          slug={project.slug}
          onCancel={() => setCreating(false)}
          onCreated={(tok) => {
            setCreating(false);
            setCreated(tok);
          }}
        />
      )}
      <QueryView
        query={tokens}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="tokens-empty" title={t('tokens.empty.title')}>
            {t('tokens.empty.body')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="tokens-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('tokens.prefix')}</th>
                <th>{t('tokens.scopes')}</th>
                <th>{t('field.created')}</th>
                <th>{t('tokens.lastUsed')}</th>
                <th>{t('tokens.status')}</th>
                <th className="actions-col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.map((tok) => (
                <tr
                  key={tok.id}
                  data-testid={`token-row-${tok.name}`}
                  data-prefix={tok.prefix}
                  className={tok.revokedAt ? 'row-dim' : undefined}
                >
                  <td className="strong">{tok.name}</td>
                  <td className="mono">{tok.prefix}…</td>
                  <td data-testid="token-scopes">
                    {tok.scopes.includes('artifacts:push') && <div>{t('tokens.scope.push')}</div>}
                    {tok.scopes.includes('release') && (
                      <div>
                        {tok.environmentIds.length === 0
                          ? t('tokens.releaseAnywhere')
                          : t('tokens.releaseTo', { envs: tok.environmentIds.map(envName).join(', ') })}
                      </div>
                    )}
                  </td>
                  <td>
                    <TimeAgo iso={tok.createdAt} />
                  </td>
                  <td>
                    {tok.lastUsedAt ? (
                      <TimeAgo iso={tok.lastUsedAt} />
                    ) : (
                      <span className="muted">{t('tokens.never')}</span>
                    )}
                  </td>
                  <td>
                    {tok.revokedAt ? (
                      <span title={tok.revokedAt}>
                        <Badge tone="danger" testId="token-revoked">
                          {t('tokens.revoked')}
                        </Badge>{' '}
                        <TimeAgo iso={tok.revokedAt} />
                      </span>
                    ) : (
                      <Badge tone="ok">{t('tokens.active')}</Badge>
                    )}
                  </td>
                  <td className="actions-col">
                    {!tok.revokedAt && (
                      <ConfirmButton
                        testId="token-revoke"
                        question={t('tokens.revokeConfirm', { name: tok.name })}
                        pending={revoke.isPending && revoke.variables === tok.id}
                        onConfirm={() => revoke.mutate(tok.id)}
                      >
                        {t('tokens.revoke')}
                      </ConfirmButton>
                    )}
                    {revoke.isError && revoke.variables === tok.id && (
                      <ErrorNotice error={revoke.error} testId="revoke-error" />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}
