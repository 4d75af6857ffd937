import * as z from 'zod';

/**
 * OneRoster 1.2's records as the routes answer them, for the declarations and their OpenAPI
 * document. Every field is optional here because `fields=` may leave any out; the shipped JSON
 * schemas of the standard (test/fixtures/oneroster-1.2/) are what tests hold full records to.
 */

const guidRef = (type: string) =>
  z.object({ href: z.string(), sourcedId: z.string(), type: z.literal(type) }).describe(`A reference to a ${type}.`);

const base = {
  sourcedId: z.string(),
  status: z.enum(['active', 'tobedeleted']),
  /** UTC, with milliseconds. */
  dateLastModified: z.string(),
  metadata: z.record(z.string(), z.unknown()),
};

const optional = <T extends z.ZodRawShape>(shape: T) => z.object(shape).partial();

export const org = optional({
  ...base,
  name: z.string(),
  type: z.string(),
  identifier: z.string(),
  parent: guidRef('org'),
  children: z.array(guidRef('org')),
});

export const academicSession = optional({
  ...base,
  title: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  type: z.enum(['gradingPeriod', 'semester', 'schoolYear', 'term']),
  parent: guidRef('academicSession'),
  children: z.array(guidRef('academicSession')),
  schoolYear: z.string(),
  org: guidRef('org'),
});

export const course = optional({
  ...base,
  title: z.string(),
  courseCode: z.string(),
  subjects: z.array(z.string()),
  org: guidRef('org'),
});

export const oneRosterClass = optional({
  ...base,
  title: z.string(),
  classCode: z.string(),
  classType: z.enum(['homeroom', 'scheduled']),
  subjects: z.array(z.string()),
  course: guidRef('course'),
  school: guidRef('org'),
  terms: z.array(guidRef('academicSession')),
});

export const user = optional({
  ...base,
  username: z.string(),
  userIds: z.array(z.object({ type: z.string(), identifier: z.string() })),
  enabledUser: z.enum(['true', 'false']),
  givenName: z.string(),
  familyName: z.string(),
  roles: z.array(z.object({ roleType: z.enum(['primary', 'secondary']), role: z.string(), org: guidRef('org') })),
  identifier: z.string(),
  email: z.string(),
  agents: z.array(guidRef('user')),
  primaryOrg: guidRef('org'),
});

export const enrollment = optional({
  ...base,
  user: guidRef('user'),
  class: guidRef('class'),
  school: guidRef('org'),
  role: z.enum(['administrator', 'proctor', 'student', 'teacher']),
  primary: z.enum(['true', 'false']),
  beginDate: z.string(),
  endDate: z.string(),
});

export const category = optional({ ...base, title: z.string(), weight: z.number() });

export const scoreScale = optional({
  ...base,
  title: z.string(),
  type: z.string(),
  class: guidRef('class'),
  course: guidRef('course'),
  scoreScaleValue: z.array(z.object({ itemValueLHS: z.string(), itemValueRHS: z.string() })),
});

export const lineItem = optional({
  ...base,
  title: z.string(),
  description: z.string(),
  assignDate: z.string(),
  dueDate: z.string(),
  class: guidRef('class'),
  school: guidRef('org'),
  category: guidRef('category'),
  gradingPeriod: guidRef('academicSession'),
  academicSession: guidRef('academicSession'),
  scoreScale: guidRef('scoreScale'),
  resultValueMin: z.number(),
  resultValueMax: z.number(),
});

const scoreStatuses = ['exempt', 'fully graded', 'not submitted', 'partially graded', 'submitted'] as const;

export const result = optional({
  ...base,
  lineItem: guidRef('lineItem'),
  student: guidRef('user'),
  class: guidRef('class'),
  scoreScale: guidRef('scoreScale'),
  scoreStatus: z.enum(scoreStatuses),
  score: z.number(),
  textScore: z.string(),
  scoreDate: z.string(),
  comment: z.string(),
});

const reference = z.object({ sourcedId: z.string().min(1).max(255) }).loose();

/**
 * A result a learning platform sends (`PUT /results/{sourcedId}`): the line item and student it is
 * for and a numeric score, in the spec's shape. Only what the school's gradebook holds is kept:
 * a fully graded numeric score; other score statuses, text scores and a deletion are refused rather than
 * silently dropped (a comment is accepted and not kept).
 */
export const resultPut = z.object({
  result: z
    .object({
      sourcedId: z.string().min(1).max(255).optional(),
      status: z.literal('active', { error: "must be 'active': a result is not deleted through this route" }).optional(),
      lineItem: reference,
      student: reference,
      class: reference.optional(),
      scoreStatus: z.literal('fully graded', { error: "must be 'fully graded': the gradebook keeps numeric scores" }),
      score: z.number().min(0),
      scoreDate: z.iso.date().optional(),
      comment: z.string().max(500).optional(),
      textScore: z.never({ error: 'is not kept: the gradebook keeps numeric scores' }).optional(),
    })
    .loose(),
});

/** A list's answer: its records under the collection's name. */
export const listOf = <K extends string>(key: K, record: z.ZodType) => z.object({ [key]: z.array(record) });

/** One record's answer, under its singular name. */
export const oneOf = <K extends string>(key: K, record: z.ZodType) => z.object({ [key]: record });

/** The path of a record by its id: any id the school's data or an integration gave it. */
export const sourcedIdParam = z.string().min(1).max(255);
