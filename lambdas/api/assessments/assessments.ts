import { accessLogAfter } from '../../shared/access-log';
import { type DataApiSession, type SqlValue, typed, jsonColumn } from '../../shared/data-api';
import { auditEntry } from '../../shared/audit-entry';
import { conflict, forbidden, invalid, notFound } from '../../shared/http';
import { type Caller, subjectAccessCte } from '../class-access';
import { type GradeBand, gradeFor, termResultsSql } from '../../shared/grading';
import { cursorValues, keysetPage } from '../sql-fragments';
import type {
  AssessmentScores,
  Assessment,
  ClassGrades,
  NewAssessment,
  ReportCard,
  ScoreEntry,
} from './assessment.schemas';

const assessmentColumns = (alias: string) => `${alias}.id, ${alias}.class_id AS "classId",
  ${alias}.subject_id AS "subjectId", ${alias}.term_id AS "termId", ${alias}.name,
  ${alias}.max_score::float8 AS "maxScore", ${alias}.weight::float8 AS weight,
  to_char(${alias}.held_on, 'YYYY-MM-DD') AS "heldOn"`;

/** Creates an assessment for a class, subject and term; teachers only for a subject they teach there. */
export async function createAssessment(db: DataApiSession, caller: Caller, input: NewAssessment): Promise<Assessment> {
  const [row] = await db.query<{ allowed: boolean; created: string | null }>(
    `WITH ${subjectAccessCte},
     changed AS (
       INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, weight, held_on)
       SELECT :classId, :subjectId, :termId, :name, :maxScore, :weight, :heldOn WHERE EXISTS (SELECT 1 FROM caller)
       RETURNING *),
     ${auditEntry({ action: 'create', entity: 'assessment', after: 'changed', rows: 'one' })}
     SELECT EXISTS (SELECT 1 FROM caller) AS allowed,
            (SELECT row_to_json(c) FROM (SELECT ${assessmentColumns('changed')} FROM changed) c)::text AS created`,
    {
      isAdmin: caller.isAdmin,
      actor: caller.userId,
      classId: typed.uuid(input.classId),
      subjectId: typed.uuid(input.subjectId),
      termId: typed.uuid(input.termId),
      name: input.name,
      maxScore: typed.decimal(String(input.maxScore)),
      weight: typed.decimal(String(input.weight)),
      heldOn: input.heldOn ? typed.date(input.heldOn) : null,
    },
  );
  if (!row!.allowed) throw forbidden('Only a teacher of this subject in this class can add its assessments.');
  return JSON.parse(row!.created!) as Assessment;
}

export async function listAssessments(
  db: DataApiSession,
  query: {
    classId?: string | undefined;
    subjectId?: string | undefined;
    termId?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: Assessment[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  for (const [field, column] of [
    ['classId', 'class_id'],
    ['subjectId', 'subject_id'],
    ['termId', 'term_id'],
  ] as const) {
    const value = query[field];
    if (value === undefined) continue;
    conditions.push(`a.${column} = :${field}`);
    params[field] = typed.uuid(value);
  }
  if (query.cursor) {
    const after = cursorValues(query.cursor, 2);
    conditions.push('(a.name, a.id) > (:afterName, :afterId)');
    params.afterName = String(after[0]);
    params.afterId = typed.uuid(String(after[1]));
  }
  const rows = await db.query<Assessment>(
    `SELECT ${assessmentColumns('a')} FROM assessments a
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY a.name, a.id LIMIT :limit`,
    params,
  );
  return keysetPage(rows, query.limit, (last) => [last.name, last.id]);
}

/**
 * Enters scores for an assessment in one audited statement: upserts on (assessment,
 * student), leaves unchanged scores alone, and writes nothing unless the caller teaches
 * the subject in the class, every student is active in the class and no score exceeds
 * the maximum.
 */
export async function enterScores(
  db: DataApiSession,
  caller: Caller,
  assessmentId: string,
  input: ScoreEntry,
  /** Told the class when scores changed, so its students are scored again. */
  onChanged: (classId: string) => Promise<void> = async () => undefined,
): Promise<{ received: number; changed: number }> {
  const [row] = await db.query<{
    classId: string | null;
    found: boolean;
    allowed: boolean;
    strangers: string;
    tooHigh: string;
    changed: number;
  }>(
    `WITH target AS (SELECT * FROM assessments WHERE id = :assessmentId),
     caller AS (
       SELECT 1 FROM target WHERE :isAdmin OR EXISTS (
         SELECT 1 FROM staff st JOIN teaching_assignments ta ON ta.staff_id = st.id
          WHERE st.user_sub = :actor AND st.status = 'active'
            AND ta.class_id = target.class_id AND ta.subject_id = target.subject_id)),
     input AS (
       SELECT (e->>'studentId')::uuid AS student_id, (e->>'score')::numeric AS score, n - 1 AS position
         FROM jsonb_array_elements(:scores::jsonb) WITH ORDINALITY AS t(e, n)),
     strangers AS (
       SELECT i.position FROM input i, target t
        WHERE NOT EXISTS (SELECT 1 FROM students s WHERE s.id = i.student_id AND s.class_id = t.class_id AND s.status = 'active')),
     too_high AS (SELECT i.position FROM input i, target t WHERE i.score > t.max_score),
     accepted AS (
       SELECT i.* FROM input i
        WHERE EXISTS (SELECT 1 FROM caller) AND NOT EXISTS (SELECT 1 FROM strangers) AND NOT EXISTS (SELECT 1 FROM too_high)),
     ${upsertScores('SELECT :assessmentId, student_id, score FROM accepted')},
     ${auditEntry({ action: 'enter', entity: 'score', rows: 'many', entityId: ':assessmentId::text', ...scoresAudited })}
     SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM caller) AS allowed,
            (SELECT class_id FROM target) AS "classId",
            (SELECT coalesce(json_agg(position ORDER BY position), '[]') FROM strangers)::text AS strangers,
            (SELECT coalesce(json_agg(position ORDER BY position), '[]') FROM too_high)::text AS "tooHigh",
            (SELECT count(*) FROM upserted)::int AS changed`,
    {
      isAdmin: caller.isAdmin,
      actor: caller.userId,
      assessmentId: typed.uuid(assessmentId),
      scores: typed.json(input.scores),
    },
  );
  if (!row!.found) throw notFound('The assessment');
  if (!row!.allowed) throw forbidden('Only a teacher of this subject in this class can enter its scores.');
  const fields = [
    ...(JSON.parse(row!.strangers) as number[]).map((position) => ({
      path: `body.scores.${position}.studentId`,
      message: 'is not an active student of this class',
    })),
    ...(JSON.parse(row!.tooHigh) as number[]).map((position) => ({
      path: `body.scores.${position}.score`,
      message: 'is above the maximum score',
    })),
  ];
  if (fields.length) throw invalid(fields, 'Some scores cannot be entered; nothing was written.');
  if (row!.changed > 0) await onChanged(row!.classId!);
  return { received: input.scores.length, changed: row!.changed };
}

/** An assessment and its class's active students with their scores, by family name: one round trip. */
export async function assessmentScores(db: DataApiSession, assessmentId: string): Promise<AssessmentScores> {
  const [row] = await db.query<{ assessment: string | null; students: string }>(
    `WITH target AS (SELECT * FROM assessments WHERE id = :assessmentId)
     SELECT (SELECT json_build_object('id', id, 'classId', class_id, 'subjectId', subject_id, 'termId', term_id,
                                      'name', name, 'maxScore', max_score, 'weight', weight, 'heldOn', held_on)
               FROM target)::text AS assessment,
            coalesce((SELECT json_agg(json_build_object(
                        'studentId', s.id, 'admissionNo', s.admission_no, 'givenName', s.given_name,
                        'familyName', s.family_name, 'score', sc.score)
                      ORDER BY s.family_name, s.given_name, s.id)
                        FROM target t JOIN students s ON s.class_id = t.class_id AND s.status = 'active'
                        LEFT JOIN scores sc ON sc.assessment_id = t.id AND sc.student_id = s.id), '[]')::text AS students`,
    { assessmentId: typed.uuid(assessmentId) },
  );
  if (!row!.assessment) throw notFound('The assessment');
  return { assessment: jsonColumn(row!.assessment), students: jsonColumn(row!.students) };
}

interface TermResult {
  student_id: string;
  subject_id: string;
  subject: string;
  percent: number;
  assessments: number;
}

function gradesOf(results: TermResult[], scale: GradeBand[], passMark: number) {
  return results
    .sort((a, b) => a.subject.localeCompare(b.subject))
    .map((result) => ({
      subjectId: result.subject_id,
      subject: result.subject,
      percent: result.percent,
      grade: gradeFor(result.percent, scale),
      passed: result.percent >= passMark,
      assessments: result.assessments,
    }));
}

function settingsOf(row: { scale: string | null; passMark: number | null }) {
  if (row.scale === null || row.passMark === null) {
    throw conflict("Set the school's grading scale and pass mark first.");
  }
  return { scale: JSON.parse(row.scale) as GradeBand[], passMark: row.passMark };
}

/**
 * Every student of a class with their term grade per subject, on the school's scale: one
 * round trip, one row per student (the Data API refuses rows over 64 KB, so a class is
 * never folded into one row).
 */
export async function classTermGrades(db: DataApiSession, classId: string, termId: string): Promise<ClassGrades> {
  const rows = await db.query<{
    found: boolean;
    scale: string | null;
    passMark: number | null;
    studentId: string | null;
    admissionNo: string;
    givenName: string;
    familyName: string;
    results: string;
  }>(
    `WITH students_in_scope AS (SELECT id FROM students WHERE class_id = :classId AND status = 'active'),
     results AS (${termResultsSql}),
     meta AS (
       SELECT EXISTS (SELECT 1 FROM classes WHERE id = :classId) AND EXISTS (SELECT 1 FROM terms WHERE id = :termId) AS found,
              (SELECT grading_scale::text FROM school_settings) AS scale,
              (SELECT pass_mark::float8 FROM school_settings) AS "passMark")
     SELECT meta.*, s.id AS "studentId", s.admission_no AS "admissionNo", s.given_name AS "givenName",
            s.family_name AS "familyName",
            coalesce((SELECT json_agg(r) FROM results r WHERE r.student_id = s.id), '[]')::text AS results
       FROM meta LEFT JOIN students s ON s.id IN (SELECT id FROM students_in_scope)
      ORDER BY s.family_name, s.given_name, s.id`,
    { classId: typed.uuid(classId), termId: typed.uuid(termId) },
  );
  const meta = rows[0]!;
  if (!meta.found) throw notFound('The class or term');
  const { scale, passMark } = settingsOf(meta);
  return {
    classId,
    termId,
    students: rows
      .filter((row) => row.studentId !== null)
      .map((row) => ({
        studentId: row.studentId!,
        admissionNo: row.admissionNo,
        givenName: row.givenName,
        familyName: row.familyName,
        subjects: gradesOf(JSON.parse(row.results) as TermResult[], scale, passMark),
      })),
  };
}

/** What a student's report card shows for a term: grades per subject, the average, attendance. One round trip. */
export async function reportCardOf(db: DataApiSession, studentId: string, termId: string): Promise<ReportCard> {
  const [row] = await db.query<{
    student: string | null;
    term: string | null;
    scale: string | null;
    passMark: number | null;
    results: string;
    attendance: string;
  }>(
    `WITH students_in_scope AS (SELECT id FROM students WHERE id = :studentId)${accessLogAfter(db, 'report-card', { studentId })},
     results AS (${termResultsSql}),
     term AS (SELECT * FROM terms WHERE id = :termId)
     SELECT (SELECT json_build_object('id', s.id, 'admissionNo', s.admission_no, 'givenName', s.given_name,
                                      'familyName', s.family_name, 'className', c.name)
               FROM students s LEFT JOIN classes c ON c.id = s.class_id WHERE s.id = :studentId)::text AS student,
            (SELECT json_build_object('id', id, 'name', name, 'startsOn', starts_on, 'endsOn', ends_on) FROM term)::text AS term,
            (SELECT grading_scale::text FROM school_settings) AS scale,
            (SELECT pass_mark::float8 FROM school_settings) AS "passMark",
            coalesce((SELECT json_agg(results) FROM results), '[]')::text AS results,
            (SELECT json_build_object(
                      'days', count(*),
                      'present', count(*) FILTER (WHERE a.status IN ('present', 'late')),
                      'rate', round(avg(CASE WHEN a.status IN ('present', 'late') THEN 1.0 ELSE 0 END), 4))
               FROM attendance a, term t
              WHERE a.student_id = :studentId AND a.on_date BETWEEN t.starts_on AND t.ends_on)::text AS attendance`,
    { studentId: typed.uuid(studentId), termId: typed.uuid(termId) },
  );
  if (!row!.student) throw notFound('The student');
  if (!row!.term) throw notFound('The term');
  const { scale, passMark } = settingsOf(row!);
  const subjects = gradesOf(JSON.parse(row!.results) as TermResult[], scale, passMark);
  const attendance = JSON.parse(row!.attendance) as { days: number; present: number; rate: number | string | null };
  return {
    student: jsonColumn(row!.student),
    term: jsonColumn(row!.term),
    subjects,
    averagePercent: subjects.length
      ? Math.round((subjects.reduce((sum, s) => sum + s.percent, 0) / subjects.length) * 10) / 10
      : null,
    attendance: { ...attendance, rate: attendance.rate === null ? null : Number(attendance.rate) },
  };
}

/**
 * CTEs `previous_scores` and `upserted`: writes scores (`select` yields assessment_id,
 * student_id, score), leaving equal ones alone; `previous_scores` holds those rows as they
 * were (every part of one statement sees the table as it was), for the write's audit entry
 * (`scoresAudited`).
 */
export function upsertScores(select: string): string {
  return `written_scores AS (SELECT * FROM (${select}) AS w (assessment_id, student_id, score)),
     previous_scores AS (
       SELECT sc.* FROM scores sc JOIN written_scores w USING (assessment_id, student_id)),
     upserted AS (
       INSERT INTO scores (assessment_id, student_id, score, entered_by)
       SELECT assessment_id, student_id, score, :actor FROM written_scores
       ON CONFLICT (assessment_id, student_id) DO UPDATE
          SET score = excluded.score, entered_by = excluded.entered_by, entered_at = now()
        WHERE scores.score IS DISTINCT FROM excluded.score
       RETURNING *)`;
}

/** The rows of `upsertScores`, as an audited write records them. */
export const scoresAudited = {
  before: 'previous_scores',
  after: 'upserted',
  key: ['assessment_id', 'student_id'],
  people: ['student_id'],
} as const;
