import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../test/render';
import { QueryView, type QueryState } from './QueryView';

function state(over: Partial<QueryState<string[]>>): QueryState<string[]> {
  return {
    isPending: false,
    isError: false,
    isLoadingError: false,
    error: null,
    data: undefined,
    refetch: vi.fn(),
    ...over,
  };
}

function view(query: QueryState<string[]>, keepDataOnError = false) {
  return renderWithProviders(
    <QueryView
      query={query}
      keepDataOnError={keepDataOnError}
      isEmpty={(d) => d.length === 0}
      empty={<p data-testid="none">none</p>}
    >
      {(rows) => (
        <ul data-testid="rows">
          {rows.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
    </QueryView>,
  );
}

describe('QueryView', () => {
  it('shows the spinner while the first load is pending', () => {
    view(state({ isPending: true }));
    expect(screen.getByTestId('loading')).toBeInTheDocument();
    expect(screen.queryByTestId('rows')).not.toBeInTheDocument();
  });

  it('shows the error with a retry that refetches', async () => {
    const refetch = vi.fn();
    view(state({ isError: true, isLoadingError: true, error: new Error('boom'), refetch }));
    expect(screen.getByTestId('error-message')).toHaveTextContent('boom');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(refetch).toHaveBeenCalledTimes(1);
  });

  it('shows the empty state when the data is empty', () => {
    view(state({ data: [] }));
    expect(screen.getByTestId('none')).toBeInTheDocument();
    expect(screen.queryByTestId('rows')).not.toBeInTheDocument();
  });

  it('renders the content with the data', () => {
    view(state({ data: ['a', 'b'] }));
    expect(screen.getByTestId('rows')).toHaveTextContent('ab');
  });

  it('a refetch error replaces the data unless the list keeps data on error', () => {
    const failed = state({ isError: true, error: new Error('page 2 failed'), data: ['a'] });
    const first = view(failed);
    expect(screen.getByTestId('error-message')).toHaveTextContent('page 2 failed');
    first.unmount();
    view(failed, true);
    expect(screen.getByTestId('rows')).toHaveTextContent('a');
    expect(screen.queryByTestId('error')).not.toBeInTheDocument();
  });
});
