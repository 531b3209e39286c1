import type { ReactNode } from 'react';

/** Label + control + hint + error. `name` is the issue path the API reports for this field. */
export function Field({
  id,
  name,
  label,
  error,
  hint,
  children,
  className,
}: {
  id: string;
  name: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && !error && <p className="field-hint">{hint}</p>}
      {error && (
        <p className="field-error" id={`${id}-error`} data-testid={`field-error-${name}`}>
          {error}
        </p>
      )}
    </div>
  );
}

type TextFieldProps = {
  id: string;
  name: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'time' | 'datetime-local';
  placeholder?: string;
  autoComplete?: string;
  autoFocus?: boolean;
  disabled?: boolean;
  multiline?: boolean;
  rows?: number;
  mono?: boolean;
  testId?: string;
  className?: string;
};

export function TextField(p: TextFieldProps) {
  const common = {
    id: p.id,
    name: p.name,
    value: p.value,
    placeholder: p.placeholder,
    disabled: p.disabled,
    autoFocus: p.autoFocus,
    'aria-invalid': p.error ? true : undefined,
    'aria-describedby': p.error ? `${p.id}-error` : undefined,
    'data-testid': p.testId,
    className: p.mono ? 'mono' : undefined,
  };
  return (
    <Field id={p.id} name={p.name} label={p.label} error={p.error} hint={p.hint} className={p.className}>
      {p.multiline ? (
        <textarea {...common} rows={p.rows ?? 6} spellCheck={false} onChange={(e) => p.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={p.type ?? 'text'}
          autoComplete={p.autoComplete}
          onChange={(e) => p.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

type CheckboxFieldProps = {
  id: string;
  name: string;
  label: ReactNode;
  /** The words beside the box. */
  text: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
  hint?: ReactNode;
  disabled?: boolean;
  testId?: string;
};

/** A field of one checkbox: the field's label above, the box with its own words below. */
export function CheckboxField(p: CheckboxFieldProps) {
  return (
    <Field id={p.id} name={p.name} label={p.label} error={p.error} hint={p.hint}>
      <label className="checkbox">
        <input
          id={p.id}
          type="checkbox"
          checked={p.checked}
          disabled={p.disabled}
          onChange={(e) => p.onChange(e.target.checked)}
          data-testid={p.testId}
        />
        {p.text}
      </label>
    </Field>
  );
}
