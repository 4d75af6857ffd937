import { type DataApiSession, typed, jsonColumn } from '../../shared/data-api';
import { auditEntry } from '../../shared/audit-entry';
import { invalid, notFound } from '../../shared/http';
import { currentAcademicYearSql } from '../../shared/academic-year';
import type { ClassAssignments, MyClasses, SchoolSettings } from './structure.schemas';

/** Who teaches what in a class. */
export async function classAssignmentsOf(db: DataApiSession, classId: string): Promise<ClassAssignments> {
  const [row] = await db.query<{ exists: boolean; assignments: string }>(
    `SELECT EXISTS (SELECT 1 FROM classes WHERE id = :classId) AS exists,
            coalesce((SELECT json_agg(json_build_object('subjectId', subject_id, 'staffId', staff_id)
                                      ORDER BY subject_id, staff_id)
                        FROM teaching_assignments WHERE class_id = :classId), '[]')::text AS assignments`,
    { classId: typed.uuid(classId) },
  );
  if (!row!.exists) throw notFound('The class');
  return { assignments: jsonColumn(row!.assignments) };
}

/**
 * Replaces a class's teaching assignments with the given set in one audited statement;
 * every subject and teacher must exist (the teacher as active teaching staff).
 */
export async function setClassAssignments(
  db: DataApiSession,
  classId: string,
  input: ClassAssignments,
): Promise<ClassAssignments> {
  const [row] = await db.query<{ exists: boolean; unknown: string }>(
    `WITH wanted AS (
       SELECT (e->>'subjectId')::uuid AS subject_id, (e->>'staffId')::uuid AS staff_id, n - 1 AS position
         FROM jsonb_array_elements(:assignments::jsonb) WITH ORDINALITY AS t(e, n)),
     unknown AS (
       SELECT w.position FROM wanted w
        WHERE NOT EXISTS (SELECT 1 FROM subjects s WHERE s.id = w.subject_id)
           OR NOT EXISTS (SELECT 1 FROM staff st WHERE st.id = w.staff_id AND st.status = 'active'
                                                    AND st.role IN ('teacher', 'school-admin'))),
     target AS (SELECT id FROM classes WHERE id = :classId AND NOT EXISTS (SELECT 1 FROM unknown)),
     removed AS (
       DELETE FROM teaching_assignments ta USING target
        WHERE ta.class_id = target.id
          AND NOT EXISTS (SELECT 1 FROM wanted w WHERE w.subject_id = ta.subject_id AND w.staff_id = ta.staff_id)
        RETURNING ta.*),
     added AS (
       INSERT INTO teaching_assignments (class_id, subject_id, staff_id)
       SELECT target.id, w.subject_id, w.staff_id FROM wanted w, target
       ON CONFLICT DO NOTHING RETURNING *),
     ${auditEntry({
       action: 'assign',
       entity: 'class',
       // The assignments taken away, and those made: a class's teaching is its set of them.
       before: 'removed',
       after: 'added',
       rows: 'many',
       key: ['class_id', 'subject_id', 'staff_id'],
       entityId: ':classId::text',
       people: ['staff_id'],
       changes: ['removed', 'added'],
     })}
     SELECT EXISTS (SELECT 1 FROM classes WHERE id = :classId) AS exists,
            (SELECT coalesce(json_agg(position ORDER BY position), '[]') FROM unknown)::text AS unknown`,
    { classId: typed.uuid(classId), assignments: typed.json(input.assignments) },
  );
  if (!row!.exists) throw notFound('The class');
  const unknown = JSON.parse(row!.unknown) as number[];
  if (unknown.length) {
    throw invalid(
      unknown.map((position) => ({
        path: `body.assignments.${position}`,
        message: 'names a subject or teacher that does not exist',
      })),
    );
  }
  return { assignments: [...input.assignments] };
}

const settingsColumns = `name, timezone, currency, locale, grading_scale::text AS "gradingScale",
  pass_mark::float8 AS "passMarkPercent", chronic_absence_rate::float8 AS "chronicAbsenceRate"`;

type SettingsRow = Omit<SchoolSettings, 'gradingScale'> & { gradingScale: string };
const fromSettingsRow = (row: SettingsRow): SchoolSettings => ({ ...row, gradingScale: jsonColumn(row.gradingScale) });

export async function readSettings(db: DataApiSession): Promise<SchoolSettings> {
  const [row] = await db.query<SettingsRow>(`SELECT ${settingsColumns} FROM school_settings`);
  if (!row) throw notFound("The school's settings");
  return fromSettingsRow(row);
}

/** Writes the school's settings whole (they are one record), with before and after in the audit log. */
export async function writeSettings(db: DataApiSession, settings: SchoolSettings): Promise<SchoolSettings> {
  const [row] = await db.query<SettingsRow>(
    `WITH before AS (SELECT * FROM school_settings),
     changed AS (
       INSERT INTO school_settings (singleton, name, timezone, currency, locale, grading_scale, pass_mark, chronic_absence_rate)
       VALUES (true, :name, :timezone, :currency, :locale, :gradingScale, :passMark, :chronicAbsenceRate)
       ON CONFLICT (singleton) DO UPDATE SET
         name = excluded.name, timezone = excluded.timezone, currency = excluded.currency, locale = excluded.locale,
         grading_scale = excluded.grading_scale, pass_mark = excluded.pass_mark,
         chronic_absence_rate = excluded.chronic_absence_rate, updated_at = now()
       RETURNING *),
     ${auditEntry({ action: 'update', entity: 'school-settings', before: 'before', after: 'changed', rows: 'one', key: ['singleton'], entityId: 'NULL' })}
     SELECT ${settingsColumns} FROM changed`,
    {
      name: settings.name,
      timezone: settings.timezone,
      currency: settings.currency,
      locale: settings.locale,
      gradingScale: typed.json([...settings.gradingScale].sort((a, b) => b.minPercent - a.minPercent)),
      passMark: typed.decimal(String(settings.passMarkPercent)),
      chronicAbsenceRate: typed.decimal(String(settings.chronicAbsenceRate)),
    },
  );
  return fromSettingsRow(row!);
}

/**
 * The classes of the year under way that the caller teaches a subject in or is home-room
 * teacher of (as an active member of staff), with the subjects they teach there.
 */
export async function myClasses(db: DataApiSession, actor: string): Promise<MyClasses> {
  const [row] = await db.query<{ items: string }>(
    `WITH me AS (SELECT id FROM staff WHERE user_sub = :actor AND status = 'active'),
          year AS (${currentAcademicYearSql}),
          mine AS (
            SELECT c.id, c.name, gl.name AS grade_level, gl.ordinal,
                   c.homeroom_teacher_id IS NOT DISTINCT FROM (SELECT id FROM me) AS homeroom
              FROM classes c JOIN grade_levels gl ON gl.id = c.grade_level_id
             WHERE c.academic_year_id = (SELECT id FROM year)
               AND (c.homeroom_teacher_id = (SELECT id FROM me)
                    OR EXISTS (SELECT 1 FROM teaching_assignments ta
                                WHERE ta.class_id = c.id AND ta.staff_id = (SELECT id FROM me))))
     SELECT coalesce(json_agg(json_build_object(
              'id', m.id, 'name', m.name, 'gradeLevel', m.grade_level, 'homeroom', m.homeroom,
              'activeStudents', (SELECT count(*) FROM students s WHERE s.class_id = m.id AND s.status = 'active'),
              'subjects', coalesce((SELECT json_agg(json_build_object('id', sj.id, 'code', sj.code, 'name', sj.name)
                                                    ORDER BY sj.name)
                                      FROM teaching_assignments ta JOIN subjects sj ON sj.id = ta.subject_id
                                     WHERE ta.class_id = m.id AND ta.staff_id = (SELECT id FROM me)), '[]'))
              ORDER BY m.ordinal, m.name), '[]')::text AS items
       FROM mine m`,
    { actor },
  );
  return { items: jsonColumn(row!.items) };
}
