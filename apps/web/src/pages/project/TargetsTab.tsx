import type { EnvironmentView, HostPreflightView, KubernetesTargetPreflightView, TargetView } from '@wharf/shared';
import { Fragment, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useCredentials } from '../../api/credentials/queries';
import { useEnvironments } from '../../api/environments/queries';
import { useMe } from '../../api/auth/queries';
import { useDeleteTarget, useTestConnection } from '../../api/targets/mutations';
import { useTargets } from '../../api/targets/queries';
import { Badge } from '../../components/Badge';
import { DeleteRowActions } from '../../components/DeleteRowActions';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { TimeAgo } from '../../components/TimeAgo';
import { useProjectContext } from '../../features/projects/project-context';
import { HostKeyProbeResult, HostKeyStatus } from '../../features/targets/HostKey';
import { isKubernetesPreflight, KubernetesPreflight } from '../../features/targets/KubernetesPreflight';
import { VariablesEditor } from '../../features/environments/VariablesEditor';
import { TargetForm } from '../../features/targets/TargetForm';
import { targetSummary } from '../../features/targets/target-fields';
import { useI18n } from '../../i18n/useI18n';

export function TargetsTab() {
  const { t } = useI18n();
  const { project } = useProjectContext();
  const envs = useEnvironments(project.slug);

  return (
    <QueryView
      query={envs}
      isEmpty={(data) => data.length === 0}
      empty={
        <EmptyState
          testId="targets-no-environments"
          title={t('targets.noEnvironments.title')}
          action={
            <Link className="btn" to={`/projects/${encodeURIComponent(project.slug)}/environments`}>
              {t('tab.environments')}
            </Link>
          }
        >
          {t('targets.noEnvironments.body')}
        </EmptyState>
      }
    >
      {(data) => <EnvironmentPicker envs={data} />}
    </QueryView>
  );
}

/** The chosen environment (the `env` query parameter, else the first) and its targets. */
function EnvironmentPicker({ envs }: { envs: EnvironmentView[] }) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const selected = envs.find((e) => e.id === params.get('env')) ?? envs[0]!;

  return (
    <>
      <div className="chips" role="tablist" aria-label={t('tab.environments')} data-testid="target-env-picker">
        {envs.map((env) => (
          <button
            key={env.id}
            type="button"
            role="tab"
            aria-selected={env.id === selected.id}
            className={`chip${env.id === selected.id ? ' chip-active' : ''}`}
            data-testid={`target-env-${env.name}`}
            onClick={() => setParams({ env: env.id }, { replace: true })}
          >
            {env.name}
            {env.protected && <span className="chip-dot" title={t('environments.protected')} />}
          </button>
        ))}
      </div>
      <EnvironmentTargets key={selected.id} env={selected} />
    </>
  );
}

function EnvironmentTargets({ env }: { env: EnvironmentView }) {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const slug = project.slug;
  const canEdit = can('maintainer');
  const targets = useTargets(slug, env.id);
  const credentials = useCredentials(slug, canEdit);
  const remove = useDeleteTarget(slug);
  const testConnection = useTestConnection(slug);
  const isAdmin = useMe().data?.isAdmin ?? false;
  const [probes, setProbes] = useState<Record<string, HostPreflightView | KubernetesTargetPreflightView>>({});
  const [creating, setCreating] = useState(false);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [variablesOf, setVariablesOf] = useState<string | null>(null);
  const runTest = (id: string) =>
    testConnection.mutate(id, { onSuccess: (probe) => setProbes((p) => ({ ...p, [id]: probe })) });
  const credName = (id: string | null) =>
    id === null ? null : (credentials.data?.find((c) => c.id === id)?.name ?? t('targets.credentialSet'));

  return (
    <Section
      title={t('targets.title', { env: env.name })}
      actions={
        canEdit &&
        !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="target-create-button"
            onClick={() => setCreating(true)}
          >
            {t('targets.new')}
          </button>
        )
      }
    >
      {creating && (
        <TargetForm
          slug={slug}
          environmentId={env.id}
          credentials={credentials.data}
          onDone={() => setCreating(false)}
        />
      )}
      <QueryView
        query={targets}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="targets-empty" title={t('targets.empty.title', { env: env.name })}>
            {canEdit ? t('targets.empty.body') : t('targets.empty.viewer')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="targets-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('targets.kind')}</th>
                <th>{t('targets.where')}</th>
                <th>{t('targets.credential')}</th>
                <th>{t('hostKey.column')}</th>
                <th>{t('field.created')}</th>
                {canEdit && <th className="actions-col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((target) =>
                editingId === target.id ? (
                  <tr key={target.id} data-testid={`target-row-${target.name}`}>
                    <td colSpan={7}>
                      <TargetForm
                        slug={slug}
                        environmentId={env.id}
                        target={target}
                        credentials={credentials.data}
                        onDone={() => setEditingId(null)}
                      />
                    </td>
                  </tr>
                ) : (
                  <Fragment key={target.id}>
                    <tr data-testid={`target-row-${target.name}`}>
                      <td className="mono strong">{target.name}</td>
                      <td>
                        <Badge tone="info">{t(`targetKind.${target.kind}`)}</Badge>
                      </td>
                      <td className="mono small truncate">{targetSummary(target.kind, target.config)}</td>
                      <td>{credName(target.credentialId) ?? <span className="muted">—</span>}</td>
                      <td className="hostkey-cell">
                        <HostKeyStatus target={target} />
                      </td>
                      <td>
                        <TimeAgo iso={target.createdAt} />
                      </td>
                      {canEdit && (
                        <td className="actions-col">
                          <DeleteRowActions
                            rowKey={target.id}
                            remove={remove}
                            question={t('targets.deleteConfirm', { name: target.name })}
                            testId="target-delete"
                          >
                            {(target.kind === 'ssh' || target.kind === 'kubernetes') && (
                              <button
                                type="button"
                                className="btn btn-small"
                                data-testid={`test-connection-${target.name}`}
                                disabled={testConnection.isPending && testConnection.variables === target.id}
                                onClick={() => runTest(target.id)}
                              >
                                {testConnection.isPending && testConnection.variables === target.id
                                  ? t('hostKey.testing')
                                  : t('hostKey.test')}
                              </button>
                            )}
                            {target.kind === 'ssh' && (
                              <button
                                type="button"
                                className="btn btn-small"
                                data-testid={`target-variables-${target.name}`}
                                aria-expanded={variablesOf === target.id}
                                onClick={() => setVariablesOf((id) => (id === target.id ? null : target.id))}
                              >
                                {t('targetVariables.button')}
                              </button>
                            )}
                            <button
                              type="button"
                              className="btn btn-small"
                              data-testid="target-edit"
                              onClick={() => setEditingId(target.id)}
                            >
                              {t('common.edit')}
                            </button>
                          </DeleteRowActions>
                        </td>
                      )}
                    </tr>
                    {(probes[target.id] || (testConnection.isError && testConnection.variables === target.id)) && (
                      <tr className="row-form">
                        <td colSpan={7}>
                          {testConnection.isError && testConnection.variables === target.id ? (
                            <ErrorNotice error={testConnection.error} testId={`test-connection-error-${target.name}`} />
                          ) : (
                            <TargetProbeResult
                              slug={slug}
                              target={target}
                              probe={probes[target.id]!}
                              isAdmin={isAdmin}
                              onApproved={() => runTest(target.id)}
                            />
                          )}
                        </td>
                      </tr>
                    )}
                    {canEdit && variablesOf === target.id && (
                      <tr className="row-form">
                        <td colSpan={7}>
                          <VariablesEditor
                            slug={slug}
                            scope={{ kind: 'target', targetId: target.id }}
                            targetName={target.name}
                          />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ),
              )}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}

/** A Kubernetes target's checks with its workload's image and replicas, or an SSH target's checks and host key. */
function TargetProbeResult({
  slug,
  target,
  probe,
  isAdmin,
  onApproved,
}: {
  slug: string;
  target: TargetView;
  probe: HostPreflightView | KubernetesTargetPreflightView;
  isAdmin: boolean;
  onApproved: () => void;
}) {
  if (isKubernetesPreflight(probe)) return <KubernetesPreflight targetName={target.name} probe={probe} />;
  return <HostKeyProbeResult slug={slug} target={target} probe={probe} isAdmin={isAdmin} onApproved={onApproved} />;
}
