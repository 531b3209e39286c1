import type { EnvironmentView, FreezeWindowView } from '@wharf/shared';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../test/fake-api';
import { renderWithProviders } from '../../test/render';
import { FreezeWindowForm } from './FreezeWindowForm';

const P = '/api/v1/projects/shop';
const PROD = '00000000-0000-4000-8000-0000000000e1';
const WINDOW_ID = '00000000-0000-4000-8000-0000000000f1';

const prod = {
  id: PROD,
  name: 'prod',
  position: 1,
  protected: true,
  createdAt: '2026-01-01T00:00:00.000Z',
} as EnvironmentView;

const weekly: FreezeWindowView = {
  id: WINDOW_ID,
  environmentId: PROD,
  environmentName: 'prod',
  kind: 'weekly',
  reason: 'weekend',
  timeZone: 'Europe/Berlin',
  startDay: 5,
  startTime: '18:00',
  endDay: 1,
  endTime: '09:00',
  startsAt: null,
  endsAt: null,
  autoDeploy: 'wait',
  createdAt: '2026-01-01T00:00:00.000Z',
  status: { active: false, currentStart: null, currentEnd: null },
};

const once: FreezeWindowView = {
  ...weekly,
  kind: 'once',
  reason: 'year-end',
  timeZone: 'UTC',
  startDay: null,
  startTime: null,
  endDay: null,
  endTime: null,
  startsAt: '2026-12-24T08:00:00.000Z',
  endsAt: '2027-01-02T08:00:00.000Z',
  environmentId: null,
  environmentName: null,
  autoDeploy: 'drop',
};

function fakeApi() {
  return installFakeApi({
    [`GET ${P}/environments`]: () => json([prod]),
    [`POST ${P}/freeze-windows`]: ({ body }) => json({ ...weekly, ...(body as object) }, 201),
    [`PUT ${P}/freeze-windows/${WINDOW_ID}`]: ({ body }) => json({ ...weekly, ...(body as object) }),
  });
}

/** Replaces a field's text in one paste (key-by-key typing is slow on a busy CI box). */
async function fill(el: HTMLElement, text: string) {
  await userEvent.clear(el);
  await userEvent.click(el);
  await userEvent.paste(text);
}

const writes = (calls: ReturnType<typeof fakeApi>['calls']) => calls.filter((c) => c.method !== 'GET');

describe('FreezeWindowForm', () => {
  it('creates a weekly window from what was typed', async () => {
    const { calls } = fakeApi();
    const onDone = vi.fn();
    renderWithProviders(<FreezeWindowForm slug="shop" onDone={onDone} />);
    expect(screen.getByTestId('freeze-form')).toHaveAttribute('data-mode', 'create');
    await screen.findByRole('option', { name: 'prod' });
    await userEvent.selectOptions(screen.getByTestId('freeze-scope'), 'prod');
    await fill(screen.getByTestId('freeze-reason'), 'release train');
    await fill(screen.getByTestId('freeze-zone'), 'Asia/Shanghai');
    await userEvent.click(screen.getByTestId('freeze-save'));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(writes(calls)).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `${P}/freeze-windows`,
        body: {
          kind: 'weekly',
          environmentId: PROD,
          reason: 'release train',
          timeZone: 'Asia/Shanghai',
          autoDeploy: 'wait',
          startDay: 5,
          startTime: '18:00',
          endDay: 1,
          endTime: '09:00',
        },
      }),
    ]);
  });

  it('names a weekly window that ends when it starts next to its end time, and sends nothing', async () => {
    const { calls } = fakeApi();
    const onDone = vi.fn();
    renderWithProviders(<FreezeWindowForm slug="shop" onDone={onDone} />);
    await fill(screen.getByTestId('freeze-reason'), 'no end');
    await userEvent.selectOptions(screen.getByLabelText('Until day'), 'Friday');
    await fill(screen.getByLabelText('Until time'), '18:00');
    await userEvent.click(screen.getByTestId('freeze-save'));

    expect(await screen.findByTestId('field-error-endTime')).toHaveTextContent(
      'the window must end at another time than it starts',
    );
    expect(screen.getByLabelText('Until time')).toHaveAttribute('aria-invalid', 'true');
    expect(writes(calls)).toEqual([]);
    expect(onDone).not.toHaveBeenCalled();
  });

  it('names a one-off window that ends before it starts, and sends nothing', async () => {
    const { calls } = fakeApi();
    renderWithProviders(<FreezeWindowForm slug="shop" onDone={() => {}} />);
    await userEvent.selectOptions(screen.getByTestId('freeze-kind'), 'once');
    await fill(screen.getByTestId('freeze-reason'), 'backwards');
    await fill(screen.getByTestId('freeze-starts-at'), '2026-12-24T18:00');
    await fill(screen.getByTestId('freeze-ends-at'), '2026-12-24T09:00');
    await userEvent.click(screen.getByTestId('freeze-save'));

    expect(await screen.findByTestId('field-error-endsAt')).toHaveTextContent('must be after startsAt');
    expect(writes(calls)).toEqual([]);
  });

  it('edits a weekly window: starts from the stored one and replaces it with PUT', async () => {
    const { calls } = fakeApi();
    const onDone = vi.fn();
    renderWithProviders(<FreezeWindowForm slug="shop" window={weekly} onDone={onDone} />);
    const form = screen.getByTestId('freeze-form');
    expect(form).toHaveAttribute('data-mode', 'edit');
    expect(form).toHaveTextContent('Edit freeze window "weekend"');
    expect(screen.getByTestId('freeze-reason')).toHaveValue('weekend');
    expect(screen.getByTestId('freeze-zone')).toHaveValue('Europe/Berlin');
    expect(screen.getByLabelText('From day')).toHaveValue('5');
    expect(screen.getByLabelText('Until day')).toHaveValue('1');
    expect(screen.getByLabelText('Until time')).toHaveValue('09:00');
    await waitFor(() => expect(screen.getByTestId('freeze-scope')).toHaveValue(PROD));

    await fill(screen.getByTestId('freeze-reason'), 'long weekend');
    await userEvent.selectOptions(screen.getByLabelText('Until day'), 'Tuesday');
    await userEvent.selectOptions(screen.getByTestId('freeze-auto'), 'drop');
    await userEvent.click(screen.getByTestId('freeze-save'));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(writes(calls)).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: `${P}/freeze-windows/${WINDOW_ID}`,
        body: {
          kind: 'weekly',
          environmentId: PROD,
          reason: 'long weekend',
          timeZone: 'Europe/Berlin',
          autoDeploy: 'drop',
          startDay: 5,
          startTime: '18:00',
          endDay: 2,
          endTime: '09:00',
        },
      }),
    ]);
  });

  it('edits a one-off window: its instants survive the round trip through the local-time inputs', async () => {
    const { calls } = fakeApi();
    const onDone = vi.fn();
    renderWithProviders(<FreezeWindowForm slug="shop" window={once} onDone={onDone} />);
    expect(screen.getByTestId('freeze-kind')).toHaveValue('once');
    expect(screen.getByTestId('freeze-scope')).toHaveValue('');
    expect(screen.getByTestId('freeze-starts-at')).not.toHaveValue('');
    await userEvent.click(screen.getByTestId('freeze-save'));

    await waitFor(() => expect(onDone).toHaveBeenCalled());
    expect(writes(calls)[0]).toMatchObject({
      method: 'PUT',
      body: {
        kind: 'once',
        environmentId: null,
        reason: 'year-end',
        autoDeploy: 'drop',
        startsAt: once.startsAt,
        endsAt: once.endsAt,
      },
    });
  });

  it('says what it edits in Chinese too', () => {
    fakeApi();
    renderWithProviders(<FreezeWindowForm slug="shop" window={weekly} onDone={() => {}} />, { locale: 'zh-CN' });
    expect(screen.getByTestId('freeze-form')).toHaveTextContent('编辑冻结窗口“weekend”');
  });
});
