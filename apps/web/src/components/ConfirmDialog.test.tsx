import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/client';
import { renderWithProviders } from '../test/render';
import { ConfirmDialog } from './ConfirmDialog';

function Harness({
  names = ['production'],
  pending = false,
  error = null,
  onConfirm,
  onClose = () => {},
}: {
  names?: (string | null)[];
  pending?: boolean;
  error?: unknown;
  onConfirm: (typed: string | undefined) => void;
  onClose?: () => void;
}) {
  const [i, setI] = useState(0);
  return (
    <ConfirmDialog
      title="Do it"
      testId="thing"
      confirmLabel="Go"
      variant="danger"
      typedName={names[i] ?? null}
      pending={pending}
      error={error}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      <button type="button" data-testid="next" onClick={() => setI((x) => x + 1)}>
        next
      </button>
    </ConfirmDialog>
  );
}

describe('ConfirmDialog', () => {
  it('confirms at once when no name must be typed', async () => {
    const onConfirm = vi.fn();
    renderWithProviders(<Harness names={[null]} onConfirm={onConfirm} />);
    expect(screen.queryByTestId('thing-confirm-input')).not.toBeInTheDocument();
    expect(screen.getByTestId('thing-submit')).toHaveClass('btn-danger');
    await userEvent.click(screen.getByTestId('thing-submit'));
    expect(onConfirm).toHaveBeenCalledWith(undefined);
  });

  it('keeps confirm disabled until the exact name is typed, then passes it (Enter submits too)', async () => {
    const onConfirm = vi.fn();
    renderWithProviders(<Harness onConfirm={onConfirm} />);
    const submit = screen.getByTestId('thing-submit');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('thing-confirm-input'), 'productio');
    expect(submit).toBeDisabled();
    await userEvent.type(screen.getByTestId('thing-confirm-input'), 'n{Enter}');
    expect(onConfirm).toHaveBeenCalledExactlyOnceWith('production');
    await userEvent.click(submit);
    expect(onConfirm).toHaveBeenCalledTimes(2);
  });

  it('starts the typing over when the name to type changes, also away to none and back', async () => {
    renderWithProviders(<Harness names={['staging', 'production', null, 'production']} onConfirm={() => {}} />);
    await userEvent.type(screen.getByTestId('thing-confirm-input'), 'staging');
    expect(screen.getByTestId('thing-submit')).toBeEnabled();
    await userEvent.click(screen.getByTestId('next'));
    expect(screen.getByTestId('thing-confirm-input')).toHaveValue('');
    expect(screen.getByTestId('thing-submit')).toBeDisabled();
    await userEvent.type(screen.getByTestId('thing-confirm-input'), 'production');
    await userEvent.click(screen.getByTestId('next'));
    expect(screen.queryByTestId('thing-confirm-input')).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId('next'));
    expect(screen.getByTestId('thing-confirm-input')).toHaveValue('');
    expect(screen.getByTestId('thing-submit')).toBeDisabled();
  });

  it('while pending: shows the working label, disables confirm and cancel', () => {
    const onClose = vi.fn();
    renderWithProviders(<Harness names={[null]} pending onConfirm={() => {}} onClose={onClose} />);
    expect(screen.getByTestId('thing-submit')).toHaveTextContent('Working');
    expect(screen.getByTestId('thing-submit')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeDisabled();
  });

  it('shows the error, with a confirm field error next to the typed name', () => {
    const error = new ApiError({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Type the name',
      issues: [{ path: 'confirm', message: 'does not match' }],
    });
    renderWithProviders(<Harness error={error} onConfirm={() => {}} />);
    expect(screen.getByTestId('thing-error-message')).toHaveTextContent('Type the name');
    expect(screen.getByTestId('field-error-confirm')).toHaveTextContent('does not match');
  });

  it('cancel closes', async () => {
    const onClose = vi.fn();
    renderWithProviders(<Harness onConfirm={() => {}} onClose={onClose} />);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
