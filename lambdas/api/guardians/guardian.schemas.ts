import * as z from 'zod';
import type { ResourceSpec } from '../resource-schema';
import { e164Phone, pageQuery } from '../validation';

const listQuery = pageQuery;
const name = z.string().trim().min(1).max(200);
const email = z.email().max(200);
const phone = e164Phone;

export const guardian = {
  create: z.object({ name, email: email.optional(), phone: phone.optional() }).strict(),
  change: z
    .object({ name, email: email.nullable(), phone: phone.nullable() })
    .partial()
    .strict()
    .refine((change) => Object.keys(change).length > 0, 'Nothing to change.'),
  list: z.object(listQuery).strict(),
};

export const guardianLinkPath = z.object({ studentId: z.uuid(), guardianId: z.uuid() }).strict();
export const guardianLink = z.object({ relationship: z.string().trim().min(1).max(40) }).strict();
export const guardianLinked = z.object({ studentId: z.uuid(), guardianId: z.uuid(), relationship: z.string() });

export const guardians: ResourceSpec = {
  entity: 'guardian',
  label: 'The guardian',
  table: 'guardians',
  fields: {
    name: { column: 'name', type: 'text' },
    email: { column: 'email', type: 'text' },
    phone: { column: 'phone', type: 'text' },
  },
  sortField: 'name',
  filters: [],
};

export const guardianPath = z.object({ guardianId: z.uuid() }).strict();
export const guardianInvitation = z.object({ guardianId: z.uuid(), userId: z.string(), email: z.string() });
