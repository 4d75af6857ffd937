import * as z from 'zod';
import type { ResourceSpec } from '../resource-schema';
import { pageQuery } from '../validation';

const name = z.string().trim().min(1).max(100);
const isoDate = z.iso.date();
const nonEmpty = (change: object) => Object.keys(change).length > 0;
const ordered = (range: { startsOn?: string | undefined; endsOn?: string | undefined }) =>
  !range.startsOn || !range.endsOn || range.startsOn < range.endsOn;
const orderMessage = { message: 'must end after it starts', path: ['endsOn'] };

const listQuery = pageQuery;

/** A change to a named period (a year or a term): any of its name and dates, still in order. */
const namedPeriodChange = z
  .object({ name, startsOn: isoDate, endsOn: isoDate })
  .partial()
  .strict()
  .refine(nonEmpty, 'Nothing to change.')
  .refine(ordered, orderMessage);

export const academicYear = {
  create: z.object({ name, startsOn: isoDate, endsOn: isoDate }).strict().refine(ordered, orderMessage),
  change: namedPeriodChange,
  list: z.object(listQuery).strict(),
};

export const term = {
  create: z
    .object({ academicYearId: z.uuid(), name, startsOn: isoDate, endsOn: isoDate })
    .strict()
    .refine(ordered, orderMessage),
  change: namedPeriodChange,
  list: z.object({ ...listQuery, academicYearId: z.uuid().optional() }).strict(),
};

export const gradeLevel = {
  create: z.object({ name, ordinal: z.number().int().min(0).max(30) }).strict(),
  change: z
    .object({ name, ordinal: z.number().int().min(0).max(30) })
    .partial()
    .strict()
    .refine(nonEmpty, 'Nothing to change.'),
  list: z.object(listQuery).strict(),
};

const subjectCode = z
  .string()
  .trim()
  .regex(/^[A-Z0-9-]{1,12}$/, 'upper-case letters, digits and - (at most 12)');
export const subject = {
  create: z.object({ code: subjectCode, name }).strict(),
  change: z.object({ code: subjectCode, name }).partial().strict().refine(nonEmpty, 'Nothing to change.'),
  list: z.object(listQuery).strict(),
};

export const schoolClass = {
  create: z
    .object({
      academicYearId: z.uuid(),
      gradeLevelId: z.uuid(),
      name,
      homeroomTeacherId: z.uuid().nullable().optional(),
    })
    .strict(),
  change: z
    .object({ gradeLevelId: z.uuid(), name, homeroomTeacherId: z.uuid().nullable() })
    .partial()
    .strict()
    .refine(nonEmpty, 'Nothing to change.'),
  list: z.object({ ...listQuery, academicYearId: z.uuid().optional(), gradeLevelId: z.uuid().optional() }).strict(),
};

export const classAssignments = z
  .object({
    assignments: z
      .array(z.object({ subjectId: z.uuid(), staffId: z.uuid() }).strict())
      .max(100)
      .refine(
        (list) => new Set(list.map((a) => `${a.subjectId}/${a.staffId}`)).size === list.length,
        'lists an assignment twice',
      ),
  })
  .strict();
export type ClassAssignments = z.infer<typeof classAssignments>;

const gradeBand = z
  .object({ label: z.string().trim().min(1).max(10), minPercent: z.number().min(0).max(100) })
  .strict();
export const schoolSettings = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'is not an IANA time zone'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'is not an ISO 4217 code'),
    locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'is not a locale such as en or pt-BR'),
    gradingScale: z
      .array(gradeBand)
      .min(2)
      .max(20)
      .refine(
        (bands) => bands.some((band) => band.minPercent === 0),
        'needs a band starting at 0 so every score has a grade',
      ),
    passMarkPercent: z.number().min(0).max(100),
    chronicAbsenceRate: z.number().min(0).max(1),
  })
  .strict();
export type SchoolSettings = z.infer<typeof schoolSettings>;

export const academicYears: ResourceSpec = {
  entity: 'academic-year',
  label: 'The academic year',
  table: 'academic_years',
  fields: {
    name: { column: 'name', type: 'text' },
    startsOn: { column: 'starts_on', type: 'date' },
    endsOn: { column: 'ends_on', type: 'date' },
  },
  sortField: 'startsOn',
  filters: [],
};

export const terms: ResourceSpec = {
  entity: 'term',
  label: 'The term',
  table: 'terms',
  fields: {
    academicYearId: { column: 'academic_year_id', type: 'uuid' },
    name: { column: 'name', type: 'text' },
    startsOn: { column: 'starts_on', type: 'date' },
    endsOn: { column: 'ends_on', type: 'date' },
  },
  sortField: 'startsOn',
  filters: ['academicYearId'],
};

export const gradeLevels: ResourceSpec = {
  entity: 'grade-level',
  label: 'The grade level',
  table: 'grade_levels',
  fields: { name: { column: 'name', type: 'text' }, ordinal: { column: 'ordinal', type: 'integer' } },
  sortField: 'ordinal',
  filters: [],
};

export const subjects: ResourceSpec = {
  entity: 'subject',
  label: 'The subject',
  table: 'subjects',
  fields: { code: { column: 'code', type: 'text' }, name: { column: 'name', type: 'text' } },
  sortField: 'code',
  filters: [],
};

export const classes: ResourceSpec = {
  entity: 'class',
  label: 'The class',
  table: 'classes',
  fields: {
    academicYearId: { column: 'academic_year_id', type: 'uuid' },
    gradeLevelId: { column: 'grade_level_id', type: 'uuid' },
    name: { column: 'name', type: 'text' },
    homeroomTeacherId: { column: 'homeroom_teacher_id', type: 'uuid' },
  },
  sortField: 'name',
  filters: ['academicYearId', 'gradeLevelId'],
};

/** A class the caller works with, as the teacher's home screen lists it. */
export const myClass = z.object({
  id: z.uuid(),
  name: z.string(),
  gradeLevel: z.string(),
  /** The caller is its home-room teacher (and so marks its attendance). */
  homeroom: z.boolean(),
  activeStudents: z.number().int(),
  /** The subjects the caller teaches in it. */
  subjects: z.array(z.object({ id: z.uuid(), code: z.string(), name: z.string() })),
});
export const myClasses = z.object({ items: z.array(myClass) });
export type MyClasses = z.infer<typeof myClasses>;
