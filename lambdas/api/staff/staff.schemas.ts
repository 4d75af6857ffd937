import * as z from 'zod';
import { pageQuery } from '../validation';

export const staffRole = z.enum(['school-admin', 'teacher', 'bursar']);
export const staffPath = z.object({ staffId: z.uuid() }).strict();

export const invitation = z
  .object({ email: z.email().max(200), name: z.string().trim().min(1).max(200), role: staffRole })
  .strict();
export type Invitation = z.infer<typeof invitation>;

export const roleChange = z.object({ role: staffRole }).strict();
export const staffListQuery = z
  .object({ ...pageQuery, status: z.enum(['invited', 'active', 'deactivated']).optional() })
  .strict();

export const staffMember = z.object({
  id: z.uuid(),
  userId: z.string().nullable(),
  email: z.string(),
  name: z.string(),
  role: staffRole,
  status: z.enum(['invited', 'active', 'deactivated']),
});
export type StaffMember = z.infer<typeof staffMember>;
