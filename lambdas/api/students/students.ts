import { accessLogWith } from '../../shared/access-log';
import { analyticsSettingSql } from '../../shared/analytics-settings';
import { type DataApiSession, type SqlParams, typed, jsonColumn } from '../../shared/data-api';
import { conflict, notFound } from '../../shared/http';
import { auditEntry } from '../../shared/audit-entry';
import { cursorValues, keysetPage, likePrefix } from '../sql-fragments';
import type { NewStudent, Student, StudentChange, StudentListQuery, StudentProfile } from './student.schemas';

const studentColumns = `s.id, s.admission_no AS "admissionNo", s.given_name AS "givenName",
  s.family_name AS "familyName", to_char(s.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth",
  s.class_id AS "classId", c.name AS "className", s.status,
  to_char(s.enrolled_on, 'YYYY-MM-DD') AS "enrolledOn", to_char(s.withdrawn_on, 'YYYY-MM-DD') AS "withdrawnOn",
  s.repeated_years AS "repeatedYears"`;

const optionalDate = (value: string | null | undefined) => (value ? typed.date(value) : null);
const optionalUuid = (value: string | null | undefined) => (value ? typed.uuid(value) : null);

/** One page of students, filtered and sorted, with a cursor to the next: one round trip. */
export async function listStudents(
  db: DataApiSession,
  query: StudentListQuery,
): Promise<{ items: Student[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlParams[string]> = { limit: query.limit + 1 };
  if (query.q) {
    conditions.push(`(lower(s.family_name || ' ' || s.given_name) LIKE :prefix
      OR lower(s.given_name || ' ' || s.family_name) LIKE :prefix OR lower(s.admission_no) LIKE :prefix)`);
    params.prefix = likePrefix(query.q);
  }
  if (query.classId) {
    conditions.push('s.class_id = :classId');
    params.classId = typed.uuid(query.classId);
  }
  if (query.status) {
    conditions.push('s.status = :status');
    params.status = query.status;
  }
  const byName = query.sort === 'name';
  if (query.cursor) {
    const after = cursorValues(query.cursor, byName ? 3 : 1);
    if (byName) {
      conditions.push('(s.family_name, s.given_name, s.id) > (:afterFamily, :afterGiven, :afterId)');
      Object.assign(params, {
        afterFamily: String(after[0]),
        afterGiven: String(after[1]),
        afterId: typed.uuid(String(after[2])),
      });
    } else {
      conditions.push('s.admission_no > :afterAdmission');
      params.afterAdmission = String(after[0]);
    }
  }
  const rows = await db.query<Student>(
    `SELECT ${studentColumns} FROM students s LEFT JOIN classes c ON c.id = s.class_id
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY ${byName ? 's.family_name, s.given_name, s.id' : 's.admission_no'} LIMIT :limit`,
    params,
  );
  return keysetPage(rows, query.limit, (last) =>
    byName ? [last.familyName, last.givenName, last.id] : [last.admissionNo],
  );
}

export async function createStudent(db: DataApiSession, input: NewStudent): Promise<Student> {
  const [created] = await db.query<Student>(
    `WITH changed AS (
       INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id, enrolled_on, repeated_years)
       VALUES (:admissionNo, :givenName, :familyName, :dateOfBirth, :classId, coalesce(:enrolledOn, current_date),
               :repeatedYears)
       RETURNING *),
     ${auditEntry({ action: 'create', entity: 'student', after: 'changed', rows: 'one', people: ['id'] })}
    SELECT ${studentColumns} FROM changed s LEFT JOIN classes c ON c.id = s.class_id`,
    {
      admissionNo: input.admissionNo,
      givenName: input.givenName,
      familyName: input.familyName,
      dateOfBirth: optionalDate(input.dateOfBirth),
      classId: optionalUuid(input.classId),
      enrolledOn: optionalDate(input.enrolledOn),
      repeatedYears: input.repeatedYears ?? 0,
    },
  );
  return created!;
}

const changeColumns = {
  givenName: 'given_name',
  familyName: 'family_name',
  dateOfBirth: 'date_of_birth',
  classId: 'class_id',
  repeatedYears: 'repeated_years',
} as const;

/** Applies the given fields, recording before and after in the audit log: one round trip. */
export async function updateStudent(db: DataApiSession, studentId: string, change: StudentChange): Promise<Student> {
  const params: Record<string, SqlParams[string]> = { id: typed.uuid(studentId) };
  const sets = ['updated_at = now()'];
  for (const [field, column] of Object.entries(changeColumns) as [keyof typeof changeColumns, string][]) {
    if (!(field in change)) continue;
    const value = change[field];
    sets.push(`${column} = :${field}`);
    params[field] =
      field === 'dateOfBirth'
        ? optionalDate(value as string | null | undefined)
        : field === 'classId'
          ? optionalUuid(value as string | null | undefined)
          : (value ?? null);
  }
  const [updated] = await db.query<Student>(
    `WITH before AS (SELECT * FROM students WHERE id = :id),
      changed AS (UPDATE students SET ${sets.join(', ')} WHERE id = :id RETURNING *),
      ${auditEntry({ action: 'update', entity: 'student', before: 'before', after: 'changed', rows: 'one', people: ['id'] })}
    SELECT ${studentColumns} FROM changed s LEFT JOIN classes c ON c.id = s.class_id`,
    params,
  );
  if (!updated) throw notFound('The student');
  return updated;
}

/** Marks an active student withdrawn from a date; withdrawing twice is refused. At most two round trips. */
export async function withdrawStudent(
  db: DataApiSession,
  studentId: string,
  withdrawal: { on: string; reason: string },
): Promise<Student> {
  const [withdrawn] = await db.query<Student>(
    `WITH before AS (SELECT * FROM students WHERE id = :id AND status = 'active'),
      changed AS (
        UPDATE students SET status = 'withdrawn', withdrawn_on = :on, class_id = NULL, updated_at = now()
         WHERE id = (SELECT id FROM before) RETURNING *
      ),
      -- The reason is recorded with the row it changed.
      withdrawn AS (SELECT changed.*, :reason::text AS reason FROM changed),
      ${auditEntry({ action: 'withdraw', entity: 'student', before: 'before', after: 'withdrawn', rows: 'one', people: ['id'] })}
    SELECT ${studentColumns} FROM changed s LEFT JOIN classes c ON c.id = s.class_id`,
    { id: typed.uuid(studentId), on: typed.date(withdrawal.on), reason: withdrawal.reason },
  );
  if (withdrawn) return withdrawn;
  const [existing] = await db.query<{ status: string }>('SELECT status FROM students WHERE id = :id', {
    id: typed.uuid(studentId),
  });
  if (!existing) throw notFound('The student');
  throw conflict(`The student is ${existing.status}, not active.`);
}

/** Everything the profile page shows, in one round trip. */
/**
 * A student's profile in one round trip. `forGuardian` hides the risk score unless the
 * school lets guardians see it.
 */
export async function studentProfile(
  db: DataApiSession,
  studentId: string,
  options: { forGuardian?: boolean } = {},
): Promise<StudentProfile> {
  const [row] = await db.query<
    Student & {
      guardians: string;
      attendance: string;
      latestGrades: string;
      feeBalanceMinor: number;
      risk: string | null;
    }
  >(
    `${accessLogWith(db, 'profile', { studentId, sql: ':id' })}SELECT ${studentColumns},
      coalesce((
        SELECT json_agg(json_build_object('id', g.id, 'name', g.name, 'relationship', sg.relationship,
                                          'email', g.email, 'phone', g.phone) ORDER BY g.name)
          FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id WHERE sg.student_id = s.id
      ), '[]')::text AS guardians,
      (SELECT json_build_object(
                'days', count(*),
                'present', count(*) FILTER (WHERE a.status IN ('present', 'late')),
                'rate', round(avg(CASE WHEN a.status IN ('present', 'late') THEN 1.0 ELSE 0 END), 4))
         FROM attendance a WHERE a.student_id = s.id)::text AS attendance,
      coalesce((
        SELECT json_agg(latest ORDER BY latest.subject) FROM (
          SELECT DISTINCT ON (sub.id) sub.name AS subject, t.name AS term,
                 round(100 * sum(sc.score / a.max_score * a.weight) / sum(a.weight), 1) AS percent,
                 count(*) AS assessments
            FROM scores sc
            JOIN assessments a ON a.id = sc.assessment_id
            JOIN subjects sub ON sub.id = a.subject_id
            JOIN terms t ON t.id = a.term_id
           WHERE sc.student_id = s.id
           GROUP BY sub.id, sub.name, t.id, t.name, t.starts_on
           ORDER BY sub.id, t.starts_on DESC
        ) latest
      ), '[]')::text AS "latestGrades",
      (coalesce((SELECT sum(amount_minor) FROM invoices WHERE student_id = s.id), 0)
        - coalesce((SELECT sum(amount_minor) FROM payments WHERE student_id = s.id), 0))::bigint AS "feeBalanceMinor",
      (SELECT json_build_object('risk', sa.risk::float8, 'setup', sa.setup, 'drivers', sa.drivers,
                                'modelVersion', sa.model_version, 'scoredAt', sa.scored_at)
         FROM student_analytics sa
        WHERE sa.student_id = s.id
          AND (NOT :forGuardian OR ${analyticsSettingSql.guardiansSeeRisk})
      )::text AS risk
    FROM students s LEFT JOIN classes c ON c.id = s.class_id WHERE s.id = :id`,
    { id: typed.uuid(studentId), forGuardian: options.forGuardian ?? false },
  );
  if (!row) throw notFound('The student');
  const attendance = JSON.parse(row.attendance) as { days: number; present: number; rate: number | null };
  return {
    ...row,
    guardians: jsonColumn(row.guardians),
    attendance: { ...attendance, rate: attendance.rate === null ? null : Number(attendance.rate) },
    latestGrades: (JSON.parse(row.latestGrades) as StudentProfile['latestGrades']).map((grade) => ({
      ...grade,
      percent: Number(grade.percent),
    })),
    feeBalanceMinor: Number(row.feeBalanceMinor),
    risk: row.risk ? (JSON.parse(row.risk) as StudentProfile['risk']) : null,
  };
}
