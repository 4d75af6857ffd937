import { currentAcademicYearSql } from '../shared/academic-year';
import { analyticsSettingsOf } from '../shared/analytics-settings';
import { type DataApiSession, typed } from '../shared/data-api';
import { type GradeBand, termResultsSql } from '../shared/grading';

/** What every report prints about its school: name, formats, grading scale, pass mark. */
export interface SchoolHeader {
  readonly name: string;
  readonly locale: string;
  readonly currency: string;
  readonly timezone: string;
  readonly gradingScale: readonly GradeBand[];
  readonly passMarkPercent: number;
  readonly atRiskThreshold: number;
}

export async function readSchoolHeader(db: DataApiSession): Promise<SchoolHeader> {
  const [row] = await db.query<Omit<SchoolHeader, 'gradingScale' | 'atRiskThreshold'> & Record<string, string>>(
    `SELECT name, locale, currency, timezone, grading_scale::text AS "gradingScale",
            pass_mark::float8 AS "passMarkPercent", analytics::text AS analytics
       FROM school_settings`,
  );
  if (!row) throw new Error('The school has no settings.');
  const { gradingScale, analytics, ...rest } = row;
  return {
    ...rest,
    gradingScale: JSON.parse(gradingScale!) as GradeBand[],
    atRiskThreshold: analyticsSettingsOf(JSON.parse(analytics!)).atRiskThreshold,
  };
}

export interface ReportCard {
  readonly admissionNo: string;
  readonly name: string;
  readonly className: string | null;
  readonly subjects: readonly { subject: string; percent: number; assessments: number }[];
  readonly attendance: { present: number; late: number; absent: number; excused: number };
}

export interface ReportCards {
  readonly term: { name: string; year: string; startsOn: string; endsOn: string };
  readonly cards: readonly ReportCard[];
}

/**
 * The term's report cards of one student or of a class's active students (by name): each
 * subject's weighted result and the term's attendance. One read for the term, one for the cards.
 */
export async function readReportCards(
  db: DataApiSession,
  scope: { termId: string; classId?: string | undefined; studentId?: string | undefined },
): Promise<ReportCards | undefined> {
  const [term] = await db.query<ReportCards['term']>(
    `SELECT t.name, y.name AS year, t.starts_on::text AS "startsOn", t.ends_on::text AS "endsOn"
       FROM terms t JOIN academic_years y ON y.id = t.academic_year_id WHERE t.id = :termId`,
    { termId: typed.uuid(scope.termId) },
  );
  if (!term) return undefined;
  const rows = await db.query<Omit<ReportCard, 'subjects' | 'attendance'> & { subjects: string; attendance: string }>(
    `WITH students_in_scope AS (
       SELECT s.id FROM students s
        WHERE (s.id = :studentId::uuid) OR (s.class_id = :classId::uuid AND s.status = 'active')),
     results AS (${termResultsSql}),
     term AS (SELECT starts_on, ends_on FROM terms WHERE id = :termId),
     marks AS (
       SELECT a.student_id, a.status, count(*)::int AS n
         FROM attendance a, term
        WHERE a.student_id IN (SELECT id FROM students_in_scope) AND a.on_date BETWEEN term.starts_on AND term.ends_on
        GROUP BY a.student_id, a.status)
     SELECT s.admission_no AS "admissionNo", s.given_name || ' ' || s.family_name AS name, c.name AS "className",
            coalesce((SELECT jsonb_agg(jsonb_build_object('subject', r.subject, 'percent', r.percent,
                                                          'assessments', r.assessments) ORDER BY r.subject)
                        FROM results r WHERE r.student_id = s.id), '[]')::text AS subjects,
            jsonb_build_object(
              'present', coalesce((SELECT n FROM marks m WHERE m.student_id = s.id AND m.status = 'present'), 0),
              'late', coalesce((SELECT n FROM marks m WHERE m.student_id = s.id AND m.status = 'late'), 0),
              'absent', coalesce((SELECT n FROM marks m WHERE m.student_id = s.id AND m.status = 'absent'), 0),
              'excused', coalesce((SELECT n FROM marks m WHERE m.student_id = s.id AND m.status = 'excused'), 0)
            )::text AS attendance
       FROM students s LEFT JOIN classes c ON c.id = s.class_id
      WHERE s.id IN (SELECT id FROM students_in_scope)
      ORDER BY s.family_name, s.given_name, s.admission_no`,
    {
      termId: typed.uuid(scope.termId),
      classId: scope.classId ? typed.uuid(scope.classId) : null,
      studentId: scope.studentId ? typed.uuid(scope.studentId) : null,
    },
  );
  return {
    term,
    cards: rows.map((row) => ({
      ...row,
      subjects: JSON.parse(row.subjects) as ReportCard['subjects'],
      attendance: JSON.parse(row.attendance) as ReportCard['attendance'],
    })),
  };
}

export interface SchoolAnalytics {
  readonly enrolment: readonly { grade: string; students: number }[];
  /** Weekly attendance rate (present or late over marked), the last 20 weeks with marks. */
  readonly attendanceTrend: readonly { week: string; rate: number }[];
  /** Each active student's overall result this academic year (percent). */
  readonly overallResults: readonly number[];
  readonly scored: number;
  readonly modelVersion: string | null;
  readonly scoredAt: string | null;
  readonly atRisk: readonly { name: string; className: string | null; risk: number; drivers: string[] }[];
  readonly anomalies: readonly { name: string; className: string | null; reasons: string[] }[];
}

/** The school analytics report's figures, in one read. */
export async function readSchoolAnalytics(db: DataApiSession, atRiskThreshold: number): Promise<SchoolAnalytics> {
  const [row] = await db.query<Record<string, string | number | null>>(
    `WITH year AS (${currentAcademicYearSql}),
     active AS (SELECT s.id, s.class_id, s.given_name || ' ' || s.family_name AS name FROM students s WHERE s.status = 'active')
     SELECT
       coalesce((SELECT jsonb_agg(jsonb_build_object('grade', g.name, 'students', n) ORDER BY g.ordinal)
                   FROM (SELECT c.grade_level_id, count(*)::int AS n FROM active JOIN classes c ON c.id = active.class_id
                          GROUP BY c.grade_level_id) per_grade
                   JOIN grade_levels g ON g.id = per_grade.grade_level_id), '[]')::text AS enrolment,
       coalesce((SELECT jsonb_agg(jsonb_build_object('week', week, 'rate', rate) ORDER BY week)
                   FROM (SELECT to_char(date_trunc('week', a.on_date), 'YYYY-MM-DD') AS week,
                                round(avg(CASE WHEN a.status IN ('present', 'late') THEN 1 ELSE 0 END), 4)::float8 AS rate
                           FROM attendance a, year
                          WHERE a.on_date BETWEEN year.starts_on AND least(year.ends_on, current_date)
                          GROUP BY 1 ORDER BY 1 DESC LIMIT 20) weeks), '[]')::text AS "attendanceTrend",
       coalesce((SELECT jsonb_agg(overall)
                   FROM (SELECT round(100 * avg(result), 1)::float8 AS overall
                           FROM (SELECT sc.student_id, a.subject_id, sum(sc.score / a.max_score * a.weight) / sum(a.weight) AS result
                                   FROM scores sc
                                   JOIN assessments a ON a.id = sc.assessment_id
                                   JOIN terms t ON t.id = a.term_id AND t.academic_year_id = (SELECT id FROM year)
                                  WHERE sc.student_id IN (SELECT id FROM active)
                                  GROUP BY sc.student_id, a.subject_id) per_subject
                          GROUP BY student_id) overall), '[]')::text AS "overallResults",
       (SELECT count(*)::int FROM student_analytics sa WHERE sa.student_id IN (SELECT id FROM active)) AS scored,
       (SELECT max(model_version) FROM student_analytics) AS "modelVersion",
       (SELECT max(scored_at)::text FROM student_analytics) AS "scoredAt",
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', name, 'className', class_name, 'risk', risk, 'drivers', drivers)
                                  ORDER BY risk DESC, name)
                   FROM (SELECT active.name, c.name AS class_name, sa.risk::float8 AS risk,
                                (SELECT jsonb_agg(d->>'text') FROM (SELECT d FROM jsonb_array_elements(sa.drivers) d
                                                                     WHERE (d->>'contribution')::float8 > 0 LIMIT 2) top) AS drivers
                           FROM student_analytics sa JOIN active ON active.id = sa.student_id
                           LEFT JOIN classes c ON c.id = active.class_id
                          WHERE sa.risk >= :threshold ORDER BY sa.risk DESC LIMIT 40) listed), '[]')::text AS "atRisk",
       coalesce((SELECT jsonb_agg(jsonb_build_object('name', name, 'className', class_name, 'reasons', reasons) ORDER BY name)
                   FROM (SELECT active.name, c.name AS class_name,
                                (SELECT jsonb_agg(f->>'reason') FROM jsonb_array_elements(sa.anomalies) f) AS reasons
                           FROM student_analytics sa JOIN active ON active.id = sa.student_id
                           LEFT JOIN classes c ON c.id = active.class_id
                          WHERE jsonb_array_length(sa.anomalies) > 0 ORDER BY active.name LIMIT 40) flagged), '[]')::text AS anomalies`,
    { threshold: atRiskThreshold },
  );
  const json = <T>(key: string) => JSON.parse(String(row![key])) as T;
  return {
    enrolment: json('enrolment'),
    attendanceTrend: json('attendanceTrend'),
    overallResults: json('overallResults'),
    scored: Number(row!.scored),
    modelVersion: (row!.modelVersion as string | null) ?? null,
    scoredAt: (row!.scoredAt as string | null) ?? null,
    atRisk: json<SchoolAnalytics['atRisk']>('atRisk').map((r) => ({ ...r, drivers: r.drivers ?? [] })),
    anomalies: json('anomalies'),
  };
}

export interface FeeStatement {
  readonly admissionNo: string;
  readonly name: string;
  readonly className: string | null;
  readonly guardians: readonly string[];
  readonly invoices: readonly { fee: string; issuedOn: string; dueOn: string; amountMinor: number }[];
  readonly payments: readonly { receiptNo: number; paidOn: string; method: string; amountMinor: number }[];
}

/** One student's invoices and payments, in one read. */
export async function readFeeStatement(db: DataApiSession, studentId: string): Promise<FeeStatement | undefined> {
  const [row] = await db.query<Record<string, string | null>>(
    `SELECT s.admission_no AS "admissionNo", s.given_name || ' ' || s.family_name AS name, c.name AS "className",
            coalesce((SELECT jsonb_agg(g.name ORDER BY g.name) FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                       WHERE sg.student_id = s.id), '[]')::text AS guardians,
            coalesce((SELECT jsonb_agg(jsonb_build_object('fee', f.name, 'issuedOn', i.issued_on, 'dueOn', i.due_on,
                                                          'amountMinor', i.amount_minor) ORDER BY i.due_on, f.name)
                        FROM invoices i JOIN fee_structures f ON f.id = i.fee_structure_id WHERE i.student_id = s.id), '[]')::text AS invoices,
            coalesce((SELECT jsonb_agg(jsonb_build_object('receiptNo', p.receipt_no, 'paidOn', p.paid_on, 'method', p.method,
                                                          'amountMinor', p.amount_minor) ORDER BY p.paid_on, p.receipt_no)
                        FROM payments p WHERE p.student_id = s.id), '[]')::text AS payments
       FROM students s LEFT JOIN classes c ON c.id = s.class_id
      WHERE s.id = :studentId`,
    { studentId: typed.uuid(studentId) },
  );
  if (!row) return undefined;
  const { guardians, invoices, payments, ...rest } = row;
  return {
    ...(rest as Pick<FeeStatement, 'admissionNo' | 'name' | 'className'>),
    guardians: JSON.parse(guardians!) as string[],
    invoices: JSON.parse(invoices!) as FeeStatement['invoices'],
    payments: JSON.parse(payments!) as FeeStatement['payments'],
  };
}
