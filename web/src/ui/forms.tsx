import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import { t } from '../i18n/i18n';
import { describeError } from './feedback';

interface FieldFrameProps {
  readonly label: string;
  readonly error?: string | undefined;
  readonly hint?: string;
  readonly children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}

/** A label, the control, a hint and the API's message for the field, tied together for assistive technology. */
export function FieldFrame({ label, error, hint, children }: FieldFrameProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${error ? 'field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint ? (
        <p class="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface InputProps {
  readonly label: string;
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly error?: string | undefined;
  readonly hint?: string;
  readonly type?: 'text' | 'search' | 'date' | 'datetime-local' | 'number' | 'email' | 'tel';
  readonly required?: boolean;
  readonly disabled?: boolean;
  readonly min?: number | string;
  readonly max?: number | string;
  readonly step?: number | string;
  readonly maxLength?: number;
  readonly inputMode?: 'numeric' | 'decimal' | 'email' | 'tel' | 'search' | 'text';
  readonly autoComplete?: string;
  readonly placeholder?: string;
  readonly onBlur?: () => void;
}

export function TextField({ label, value, onValue, error, hint, ...rest }: InputProps) {
  return (
    <FieldFrame label={label} error={error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onInput={(event) => onValue(event.currentTarget.value)}
          // Preact types <input> as a union keyed on `type`; these props hold for every kind used here.
          {...(rest as Record<string, unknown>)}
        />
      )}
    </FieldFrame>
  );
}

/** Several lines of text (a message, a note), with the same label, hint and error as a text field. */
export function TextAreaField({
  label,
  value,
  onValue,
  error,
  hint,
  rows = 6,
  maxLength,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string | undefined;
  hint?: string;
  rows?: number;
  maxLength?: number;
}) {
  return (
    <FieldFrame label={label} error={error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          rows={rows}
          maxLength={maxLength}
          value={value}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onInput={(event) => onValue(event.currentTarget.value)}
        />
      )}
    </FieldFrame>
  );
}

export interface Option {
  readonly value: string;
  readonly label: string;
}

export function SelectField({
  label,
  value,
  onValue,
  options,
  error,
  hint,
  placeholder,
  required,
}: {
  label: string;
  value: string;
  onValue: (value: string) => void;
  options: readonly Option[];
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <FieldFrame label={label} error={error} {...(hint ? { hint } : {})}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          value={value}
          required={required}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(event) => onValue(event.currentTarget.value)}
        >
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/**
 * A form's submission: runs `submit`, keeps the API's refusal so each field can show its
 * own message, and blocks a second submission while the first is in flight.
 */
export function useSubmission<T>(submit: () => Promise<T>, onDone?: (result: T) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const submitOnce = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await submit();
      onDone?.(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  // An event handler: what fails is kept in `error`, so nothing is left to await.
  const run = (event?: Event): void => {
    event?.preventDefault();
    if (!busy) void submitOnce();
  };
  const fieldError = (field: string) => (error instanceof ApiError ? error.fieldMessage(field) : undefined);
  return { busy, error, run, fieldError };
}

/** Above a form: what failed overall, and that fields below say more. */
export function FormError({ error }: { error: unknown }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.fields.length : 0;
  return (
    <div class="notice notice-bad" role="alert">
      <p>{fields ? t('form.fieldsRefused', { count: fields }) : describeError(error)}</p>
    </div>
  );
}

export function SubmitButton({ busy, children }: { busy: boolean; children: ComponentChildren }) {
  return (
    <button type="submit" class="button" disabled={busy} aria-busy={busy || undefined}>
      {busy ? t('common.saving') : children}
    </button>
  );
}

/** A secondary action that asks first (`window.confirm`) and runs a submission only when confirmed. */
export function ConfirmButton({
  action,
  label,
  confirm,
  children,
}: {
  action: { busy: boolean; run: () => void };
  /** The button's accessible name; it contains the visible text. */
  label: string;
  confirm: string;
  children: ComponentChildren;
}) {
  return (
    <button
      type="button"
      class="button button-ghost"
      disabled={action.busy}
      aria-label={label}
      onClick={() => {
        if (window.confirm(confirm)) action.run();
      }}
    >
      {children}
    </button>
  );
}
