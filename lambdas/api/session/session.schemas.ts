import * as z from 'zod';
import { roles } from '../../shared/roles';
import { schoolStatuses } from '../../shared/school-lifecycle';

/** The caller's school as the web app needs it: its name, and whether its data can be read or changed. */
export const meSchool = z.object({
  name: z.string(),
  status: z.enum(schoolStatuses),
  access: z.enum(['read-write', 'read-only', 'none']),
});
export type MeSchool = z.infer<typeof meSchool>;

/** The signed-in caller, from the verified token, and their school. */
export const me = z.object({
  userId: z.string(),
  roles: z.array(z.enum(roles)).readonly(),
  /** Absent only for platform operators. */
  schoolId: z.string().optional(),
  school: meSchool.optional(),
});
export type MeResponse = z.infer<typeof me>;
