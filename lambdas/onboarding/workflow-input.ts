import type * as z from 'zod';

/**
 * A workflow's input, checked by its first state: the parsed value, or the given error
 * naming every field at fault (`path: message; …`), which ends the run before it changes anything.
 */
export function parseWorkflowInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  invalid: new (message: string) => Error,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new invalid(
    parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; '),
  );
}
