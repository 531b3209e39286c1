import type { AuditEventView } from '@wharf/shared';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { adminMe, project } from '../../test/fixtures';
import { renderApp } from '../../test/render';

const event = (over: Partial<AuditEventView>): AuditEventView => ({
  id: '1',
  at: '2026-12-01T10:00:00.000Z',
  actor: 'ada@example.com',
  action: 'deployment.requested',
  subjectType: 'deployment',
  subjectId: 'dep-1',
  projectId: 'p1',
  ip: '127.0.0.1',
  data: { environment: 'prod', version: '1.4.2', trigger: 'manual', nested: { x: 1 } },
  summary: 'ada@example.com requested a release (environment prod, version 1.4.2, trigger manual)',
  ...over,
});

function setup(locale: 'en' | 'zh-CN' = 'en') {
  const api = installFakeApi({
    'GET /api/v1/auth/me': () => json(adminMe),
    'GET /api/v1/projects/shop': () => json(project('maintainer')),
    'GET /api/v1/projects/shop/audit': ({ url }) =>
      json({
        items:
          url.searchParams.get('q') === 'nothing'
            ? []
            : [event({}), event({ id: '2', action: 'future.thing', subjectType: 'gizmo' })],
        nextCursor: null,
      }),
  });
  return { ...api, ...renderApp('/projects/shop/audit', { locale }) };
}

describe('audit trail', () => {
  it('reads as sentences with the details that matter, links the subject, and falls back to the action code', async () => {
    setup();
    const rows = await screen.findAllByTestId('audit-row');
    expect(within(rows[0]!).getByTestId('audit-summary')).toHaveTextContent('Requested a release');
    expect(rows[0]).toHaveTextContent('environment prod');
    expect(rows[0]).toHaveTextContent('version 1.4.2');
    expect(rows[0]).not.toHaveTextContent('{"x":1}');
    expect(within(rows[0]!).getByTestId('audit-subject-link')).toHaveAttribute(
      'href',
      '/projects/shop/deployments/dep-1',
    );
    expect(within(rows[1]!).getByTestId('audit-summary')).toHaveTextContent('future.thing');
    expect(within(rows[1]!).queryByTestId('audit-subject-link')).toBeNull();
  });

  it('sends the filters, exports the same selection, and says when nothing matches', async () => {
    const { calls } = setup();
    await screen.findAllByTestId('audit-row');
    await userEvent.type(screen.getByTestId('audit-filter-q'), 'nothing');
    await userEvent.type(screen.getByTestId('audit-filter'), 'deployment.');
    await userEvent.selectOptions(screen.getByTestId('audit-filter-subject'), 'deployment');
    await userEvent.click(screen.getByRole('button', { name: 'Filter' }));
    expect(await screen.findByTestId('audit-empty')).toHaveTextContent('No events match these filters');
    const last = calls.filter((c) => c.path === '/api/v1/projects/shop/audit').at(-1)!;
    const params = new URLSearchParams(last.search);
    expect([params.get('q'), params.get('action'), params.get('subjectType')]).toEqual([
      'nothing',
      'deployment.',
      'deployment',
    ]);
    expect(screen.getByTestId('audit-export').getAttribute('href')).toBe(
      '/api/v1/projects/shop/audit/export.csv?q=nothing&action=deployment.&subjectType=deployment',
    );
  });

  it('speaks Chinese', async () => {
    setup('zh-CN');
    const rows = await screen.findAllByTestId('audit-row');
    expect(within(rows[0]!).getByTestId('audit-summary')).toHaveTextContent('发起了发布');
    expect(screen.getByTestId('audit-export')).toHaveTextContent('导出 CSV');
  });
});
