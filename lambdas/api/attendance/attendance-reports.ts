import { accessLogWith } from '../../shared/access-log';
import { type DataApiSession, typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import type { ChronicAbsence, DailySummary, StudentAttendance } from './attendance.schemas';

/** Present and late both count as attending. */
const attended = "a.status IN ('present', 'late')";

/** A student's marks over a period with the rate: one round trip. */
export async function studentAttendance(
  db: DataApiSession,
  studentId: string,
  range: { from: string; to: string },
): Promise<StudentAttendance> {
  const rows = await db.query<{
    found: boolean;
    date: string | null;
    status: StudentAttendance['days'][number]['status'];
    note: string | null;
  }>(
    `${accessLogWith(db, 'attendance', { studentId })}SELECT EXISTS (SELECT 1 FROM students WHERE id = :studentId) AS found,
            to_char(a.on_date, 'YYYY-MM-DD') AS date, a.status, a.note
       FROM (SELECT 1) one
       LEFT JOIN attendance a ON a.student_id = :studentId AND a.on_date BETWEEN :from AND :to
      ORDER BY a.on_date`,
    { studentId: typed.uuid(studentId), from: typed.date(range.from), to: typed.date(range.to) },
  );
  if (!rows[0]?.found) throw notFound('The student');
  const days = rows.filter((row) => row.date !== null).map(({ date, status, note }) => ({ date: date!, status, note }));
  const present = days.filter((day) => day.status === 'present' || day.status === 'late').length;
  return {
    studentId,
    ...range,
    days,
    summary: {
      days: days.length,
      present,
      rate: days.length ? Math.round((present / days.length) * 10_000) / 10_000 : null,
    },
  };
}

/** Every class's counts for a day, and the school's totals: one round trip, one row per class. */
export async function dailySummary(db: DataApiSession, date: string): Promise<DailySummary> {
  const classes = await db.query<DailySummary['classes'][number]>(
    `SELECT c.id AS "classId", c.name AS "className",
            count(a.*) FILTER (WHERE a.status = 'present')::int AS present,
            count(a.*) FILTER (WHERE a.status = 'absent')::int AS absent,
            count(a.*) FILTER (WHERE a.status = 'late')::int AS late,
            count(a.*) FILTER (WHERE a.status = 'excused')::int AS excused,
            (count(s.id) - count(a.*))::int AS unmarked
       FROM classes c
       JOIN students s ON s.class_id = c.id AND s.status = 'active'
       LEFT JOIN attendance a ON a.student_id = s.id AND a.on_date = :date
      GROUP BY c.id, c.name ORDER BY c.name`,
    { date: typed.date(date) },
  );
  const total = (key: keyof DailySummary['totals']) => classes.reduce((sum, row) => sum + row[key], 0);
  return {
    date,
    classes,
    totals: {
      present: total('present'),
      absent: total('absent'),
      late: total('late'),
      excused: total('excused'),
      unmarked: total('unmarked'),
    },
  };
}

/**
 * Active students whose attendance over the period is below the school's chronic-absence
 * rate (or a given one), lowest first: one round trip.
 */
export async function chronicAbsentees(
  db: DataApiSession,
  range: { from: string; to: string; threshold?: number | undefined },
): Promise<ChronicAbsence> {
  // One row for the threshold in any case, then one per student below it.
  const rows = await db.query<Partial<ChronicAbsence['students'][number]> & { threshold: number }>(
    `WITH threshold AS (
       SELECT coalesce(CAST(:threshold AS numeric), (SELECT chronic_absence_rate FROM school_settings), 0.9) AS rate),
     below AS (
       SELECT s.id AS "studentId", s.admission_no AS "admissionNo", s.given_name AS "givenName",
              s.family_name AS "familyName", c.name AS "className",
              count(*)::int AS days, count(*) FILTER (WHERE ${attended})::int AS present,
              round(count(*) FILTER (WHERE ${attended})::numeric / count(*), 4)::float8 AS rate
         FROM attendance a
         JOIN students s ON s.id = a.student_id AND s.status = 'active'
         LEFT JOIN classes c ON c.id = s.class_id
        WHERE a.on_date BETWEEN :from AND :to
        GROUP BY s.id, s.admission_no, s.given_name, s.family_name, c.name
       HAVING count(*) FILTER (WHERE ${attended})::numeric / count(*) < (SELECT rate FROM threshold)
        ORDER BY rate, s.family_name, s.given_name
        LIMIT 500)
     SELECT t.rate::float8 AS threshold, b.* FROM threshold t LEFT JOIN below b ON true
      ORDER BY b.rate, b."familyName", b."givenName"`,
    {
      from: typed.date(range.from),
      to: typed.date(range.to),
      threshold: range.threshold === undefined ? null : typed.decimal(String(range.threshold)),
    },
  );
  const threshold = rows[0]!.threshold;
  const students = rows
    .filter((row) => row.studentId)
    .map(({ threshold: _threshold, ...student }) => student as ChronicAbsence['students'][number]);
  return { from: range.from, to: range.to, threshold, students };
}
