import { PROJECT_ROLES, projectRoleSchema } from '@wharf/shared';
import { useState } from 'react';
import { useMe } from '../../api/auth/queries';
import { useRemoveMember, useUpsertMember } from '../../api/members/mutations';
import { useMembers } from '../../api/members/queries';
import { ConfirmButton } from '../../components/ConfirmButton';
import { EmptyState } from '../../components/EmptyState';
import { QueryView } from '../../components/QueryView';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RoleBadge } from '../../components/RoleBadge';
import { Section } from '../../components/Section';
import { AddMemberForm } from '../../features/members/AddMemberForm';
import { useProjectContext } from '../../features/projects/project-context';
import { useI18n } from '../../i18n/useI18n';

export function MembersTab() {
  const { t } = useI18n();
  const { project, can } = useProjectContext();
  const canManage = can('maintainer');
  const me = useMe().data;
  const members = useMembers(project.slug);
  const upsert = useUpsertMember(project.slug);
  const remove = useRemoveMember(project.slug);
  const [adding, setAdding] = useState(false);

  return (
    <Section
      title={t('tab.members')}
      actions={
        canManage &&
        !adding && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="member-create-button"
            onClick={() => setAdding(true)}
          >
            {t('members.add')}
          </button>
        )
      }
    >
      {adding && <AddMemberForm slug={project.slug} onDone={() => setAdding(false)} />}
      <QueryView
        query={members}
        isEmpty={(data) => data.length === 0}
        empty={
          <EmptyState testId="members-empty" title={t('members.empty.title')}>
            {canManage ? t('members.empty.body') : t('members.empty.viewer')}
          </EmptyState>
        }
      >
        {(data) => (
          <table className="table" data-testid="members-table">
            <thead>
              <tr>
                <th>{t('field.name')}</th>
                <th>{t('field.email')}</th>
                <th>{t('members.role')}</th>
                {canManage && <th className="actions-col">{t('common.actions')}</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((m) => {
                const rowPending =
                  (upsert.isPending && upsert.variables?.email === m.email) ||
                  (remove.isPending && remove.variables === m.userId);
                return (
                  <tr key={m.userId} data-testid={`member-row-${m.email}`}>
                    <td className="strong">
                      {m.name}
                      {me?.id === m.userId && <span className="muted"> ({t('members.you')})</span>}
                    </td>
                    <td>{m.email}</td>
                    <td>
                      {canManage ? (
                        <select
                          aria-label={t('members.role')}
                          value={m.role}
                          disabled={rowPending}
                          data-testid="member-role-select"
                          onChange={(e) => {
                            const role = projectRoleSchema.safeParse(e.target.value);
                            if (role.success) upsert.mutate({ email: m.email, role: role.data });
                          }}
                        >
                          {PROJECT_ROLES.map((r) => (
                            <option key={r} value={r}>
                              {t(`role.${r}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <RoleBadge role={m.role} />
                      )}
                    </td>
                    {canManage && (
                      <td className="actions-col">
                        <ConfirmButton
                          testId="member-remove"
                          question={t('members.removeConfirm', { email: m.email })}
                          pending={remove.isPending && remove.variables === m.userId}
                          onConfirm={() => remove.mutate(m.userId)}
                        >
                          {t('members.remove')}
                        </ConfirmButton>
                        {upsert.isError && upsert.variables?.email === m.email && !adding && (
                          <ErrorNotice error={upsert.error} testId="member-error" />
                        )}
                        {remove.isError && remove.variables === m.userId && (
                          <ErrorNotice error={remove.error} testId="member-error" />
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </QueryView>
    </Section>
  );
}
