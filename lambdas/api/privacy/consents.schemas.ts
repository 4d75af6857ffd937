import * as z from 'zod';
import { lawfulBasis } from '../../shared/analytics-settings';
import { consentMethods, consentPurposes, consentStatuses } from '../../shared/consents';
import { studentId, studentInList } from '../students/student.schemas';

export const consentPurpose = z.enum(consentPurposes);
export const consentStatus = z.enum(consentStatuses);
/** The decision in force, or `none` where no decision was recorded. */
const statusOrNone = z.enum([...consentStatuses, 'none']);

export const studentConsentPath = studentId;
export const consentPath = studentId.extend({ purpose: consentPurpose });

/** A decision the school records for a guardian (a paper form, an e-mail, at the desk, by phone). */
export const recordedConsent = z
  .object({
    status: consentStatus,
    method: z.enum(consentMethods.filter((method) => method !== 'portal') as ['paper', 'email', 'in-person', 'phone']),
    /** The guardian whose decision it is, one of the student's. */
    guardianId: z.uuid().optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type RecordedConsent = z.infer<typeof recordedConsent>;

/** A guardian's own decision, made in the portal. */
export const guardianConsent = z
  .object({
    status: consentStatus,
    note: z.string().trim().max(500).optional(),
  })
  .strict();
export type GuardianConsent = z.infer<typeof guardianConsent>;

const decision = z.object({
  status: consentStatus,
  method: z.enum(consentMethods),
  guardian: z.object({ guardianId: z.uuid(), name: z.string() }).nullable(),
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: z.iso.datetime(),
});

/** A student's consents: the decision in force per purpose (null: none recorded), and every decision, newest first. */
export const studentConsents = z.object({
  studentId: z.uuid(),
  /** What analytics runs on at this school, and whether this student is scored now. */
  lawfulBasis,
  parentalConsentUnder: z.int().nullable(),
  analyticsScored: z.boolean(),
  inForce: z.object(
    Object.fromEntries(consentPurposes.map((purpose) => [purpose, decision.nullable()])) as Record<
      (typeof consentPurposes)[number],
      z.ZodNullable<typeof decision>
    >,
  ),
  history: z.array(decision.extend({ purpose: consentPurpose })),
});
export type StudentConsents = z.infer<typeof studentConsents>;

export const consentListQuery = z
  .object({
    classId: z.uuid().optional(),
    purpose: consentPurpose.optional(),
    status: statusOrNone.optional(),
  })
  .strict();
export type ConsentListQuery = z.infer<typeof consentListQuery>;

/** Active students with the status in force per purpose ("none": no decision), and whether analytics scores them. */
export const consentList = z.object({
  items: z.array(
    studentInList.extend({
      className: z.string().nullable(),
      analytics: statusOrNone,
      messages: statusOrNone,
      integrations: statusOrNone,
      analyticsScored: z.boolean(),
    }),
  ),
});
export type ConsentList = z.infer<typeof consentList>;
