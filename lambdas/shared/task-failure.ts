/**
 * A Step Functions task failure's own message: the `errorMessage` of the JSON cause a
 * Lambda error records, or the cause itself when it is plain text (a timeout, a runtime error).
 */
export function taskErrorMessage(cause: string | undefined): string | undefined {
  try {
    return (JSON.parse(cause ?? '') as { errorMessage?: string }).errorMessage ?? cause;
  } catch {
    return cause;
  }
}
