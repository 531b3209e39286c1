import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'info' | 'warn' | 'danger' | 'ok';

export function Badge({
  tone = 'neutral',
  children,
  title,
  testId,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  title?: string;
  testId?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title} data-testid={testId}>
      {children}
    </span>
  );
}
