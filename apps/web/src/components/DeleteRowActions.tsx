// A table row's action buttons ending in Delete (asked before it runs), and the delete's error
// under them when it failed for this row. One delete mutation serves the whole table, so the
// row's own key says whether its pending state and error are this row's.
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/useI18n';
import { ConfirmButton } from './ConfirmButton';
import { ErrorNotice } from './ErrorNotice';

/** What the row needs of a delete mutation whose variable is the row's key. */
export interface RowDeleteMutation {
  mutate: (key: string) => void;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  variables: string | undefined;
}

export function DeleteRowActions({
  rowKey,
  remove,
  question,
  testId,
  children,
}: {
  /** The value the mutation deletes this row by (an id or a name). */
  rowKey: string;
  remove: RowDeleteMutation;
  question: ReactNode;
  /** The Delete button's test id. */
  testId: string;
  /** The row's other actions, before Delete. */
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const mine = remove.variables === rowKey;
  return (
    <>
      <div className="row-actions">
        {children}
        <ConfirmButton
          testId={testId}
          question={question}
          pending={remove.isPending && mine}
          onConfirm={() => remove.mutate(rowKey)}
        >
          {t('common.delete')}
        </ConfirmButton>
      </div>
      {remove.isError && mine && <ErrorNotice error={remove.error} testId="delete-error" />}
    </>
  );
}
