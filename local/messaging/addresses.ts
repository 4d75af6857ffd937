/** E-mail addresses as SES reads them. */

/** The address of `Name <address>`, or the address alone. */
export function mailboxAddress(value: string): string {
  return /<([^>]+)>\s*$/.exec(value)?.[1] ?? value.trim();
}

/** Addresses compare as SES compares them: case-insensitively. */
export const addressKey = (email: string) => email.trim().toLowerCase();

/** Every recipient of a message: To, Cc and Bcc. */
export function recipientsOf(message: {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}): string[] {
  return [...message.to, ...message.cc, ...message.bcc];
}
