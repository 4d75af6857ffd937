import * as z from 'zod';
import { newStudent } from '../students/student.schemas';
import { e164Phone } from '../validation';

export {
  attendanceCsvColumns,
  requiredAttendanceCsvColumns,
  requiredScoreCsvColumns,
  scoreCsvColumns,
} from '../../shared/csv-formats';

/** Columns of a students CSV; the header row names them, in any order. */
export const studentCsvColumns = [
  'admission_no',
  'given_name',
  'family_name',
  'date_of_birth',
  'class',
  'guardian_name',
  'guardian_email',
  'guardian_phone',
  'relationship',
] as const;
export const requiredStudentCsvColumns = ['admission_no', 'given_name', 'family_name'] as const;

/** The largest file one request takes: about 20,000 typical rows. */
export const maxCsvBytes = 3 * 1024 * 1024;

export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), schema.optional());

/** One CSV row as the import reads it; messages name the CSV column. */
export const studentCsvRow = z
  .object({
    admission_no: newStudent.shape.admissionNo,
    given_name: newStudent.shape.givenName,
    family_name: newStudent.shape.familyName,
    date_of_birth: optional(z.iso.date()),
    class: optional(z.string().trim().max(100)),
    guardian_name: optional(z.string().trim().min(1).max(200)),
    guardian_email: optional(z.email().max(200)),
    guardian_phone: optional(e164Phone),
    relationship: optional(z.string().trim().min(1).max(40)),
  })
  .refine((row) => !row.guardian_name === !row.guardian_email, {
    message: 'a guardian needs both a name and an e-mail',
    path: ['guardian_email'],
  });
export type StudentCsvRow = z.infer<typeof studentCsvRow>;

export const importMode = z.object({ mode: z.enum(['dry-run', 'commit']) }).strict();

export const rowReport = z.object({
  row: z.number().int(),
  admissionNo: z.string().nullable(),
  outcome: z.enum(['new', 'updated', 'unchanged', 'invalid']),
  errors: z.array(z.object({ column: z.string(), message: z.string() })),
});
export type RowReport = z.infer<typeof rowReport>;

export const importResult = z.object({
  mode: z.enum(['dry-run', 'commit']),
  rows: z.number().int(),
  new: z.number().int(),
  /** Rows that change what is recorded (attendance corrections); students are never updated by an import. */
  updated: z.number().int().optional(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
  created: z.number().int(),
  /** Every row that is not plainly new, with what is wrong with it. */
  report: z.array(rowReport),
});
export type ImportResult = z.infer<typeof importResult>;

export const attendanceCsvRow = z.object({
  admission_no: newStudent.shape.admissionNo,
  date: z.iso.date(),
  status: z.enum(['present', 'absent', 'late', 'excused']),
  note: optional(z.string().trim().max(500)),
});
export type AttendanceCsvRow = z.infer<typeof attendanceCsvRow>;

/** A decimal as the database column holds it (numeric with `scale` places), as a number. */
const decimal = (digits: number, scale: number) =>
  z
    .string()
    .regex(new RegExp(`^\\d{1,${digits}}(\\.\\d{1,${scale}})?$`), `is not a number with at most ${scale} decimals`)
    .transform(Number);

const name = z.string().trim().min(1).max(100);

export const scoreCsvRow = z.object({
  admission_no: newStudent.shape.admissionNo,
  year: name,
  term: name,
  subject: name,
  assessment: z.string().trim().min(1).max(200),
  max_score: decimal(6, 2).refine((value) => value > 0, 'must be above 0'),
  score: decimal(6, 2),
  weight: optional(decimal(3, 3).refine((value) => value > 0, 'must be above 0')),
  held_on: optional(z.iso.date()),
  class: optional(name),
});
export type ScoreCsvRow = z.infer<typeof scoreCsvRow>;
