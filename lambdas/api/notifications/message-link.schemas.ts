import * as z from 'zod';

/**
 * The path of a link in one of a school's e-mails (unsubscribe, invitation): the school, and
 * the message itself, whose id only the recipient's mailbox holds.
 */
export const messageLink = z
  .object({ schoolId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'is not a school id'), messageId: z.uuid() })
  .strict();
