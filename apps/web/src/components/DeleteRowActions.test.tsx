import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../test/render';
import { DeleteRowActions, type RowDeleteMutation } from './DeleteRowActions';

function table(remove: RowDeleteMutation) {
  return renderWithProviders(
    <>
      {['a', 'b'].map((key) => (
        <div key={key} data-testid={`row-${key}`}>
          <DeleteRowActions rowKey={key} remove={remove} question={`Delete ${key}?`} testId="thing-delete">
            <button type="button">Other</button>
          </DeleteRowActions>
        </div>
      ))}
    </>,
  );
}

const idle = (): RowDeleteMutation => ({
  mutate: vi.fn(),
  isPending: false,
  isError: false,
  error: null,
  variables: undefined,
});

describe('DeleteRowActions', () => {
  it('asks first, then deletes this row by its key; the other actions come before Delete', async () => {
    const remove = idle();
    table(remove);
    const row = screen.getByTestId('row-b');
    const buttons = within(row).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['Other', 'Delete']);
    await userEvent.click(within(row).getByTestId('thing-delete'));
    expect(within(row).getByText('Delete b?')).toBeInTheDocument();
    expect(remove.mutate).not.toHaveBeenCalled();
    await userEvent.click(within(row).getByTestId('confirm-yes'));
    expect(remove.mutate).toHaveBeenCalledWith('b');
  });

  it('shows the pending state and the error only on the row being deleted', () => {
    table({ ...idle(), isPending: true, isError: true, error: new Error('refused'), variables: 'a' });
    expect(within(screen.getByTestId('row-a')).getByTestId('thing-delete')).toBeDisabled();
    expect(within(screen.getByTestId('row-a')).getByTestId('delete-error')).toHaveTextContent('refused');
    expect(within(screen.getByTestId('row-b')).getByTestId('thing-delete')).toBeEnabled();
    expect(within(screen.getByTestId('row-b')).queryByTestId('delete-error')).not.toBeInTheDocument();
  });
});
