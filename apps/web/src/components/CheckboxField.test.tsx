import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { CheckboxField } from './Field';

function Box({ error, disabled }: { error?: string; disabled?: boolean }) {
  const [checked, setChecked] = useState(false);
  return (
    <CheckboxField
      id="f-protected"
      name="protected"
      label="Protected"
      text="Needs approval"
      checked={checked}
      onChange={setChecked}
      error={error}
      hint="Releases wait for an approver."
      disabled={disabled}
      testId="protected"
    />
  );
}

describe('CheckboxField', () => {
  it('is named by the field label and its own words, and toggles', async () => {
    render(<Box />);
    const box = screen.getByTestId('protected');
    expect(box).toBe(screen.getByLabelText('Protected'));
    expect(box).toBe(screen.getByLabelText('Needs approval'));
    expect(screen.getByText('Releases wait for an approver.')).toBeInTheDocument();
    await userEvent.click(screen.getByText('Needs approval'));
    expect(box).toBeChecked();
    await userEvent.click(box);
    expect(box).not.toBeChecked();
  });

  it('shows the error under its name instead of the hint, and can be disabled', () => {
    render(<Box error="Not allowed" disabled />);
    expect(screen.getByTestId('field-error-protected')).toHaveTextContent('Not allowed');
    expect(screen.queryByText('Releases wait for an approver.')).toBeNull();
    expect(screen.getByTestId('protected')).toBeDisabled();
  });
});
