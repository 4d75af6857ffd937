import { currentAcademicYearSql } from '../shared/academic-year';
import { analyticsPermittedSql } from '../shared/consents';
import { type DataApiSession, typed } from '../shared/data-api';
import type { AttendanceWeek } from './anomalies';

/**
 * A chunk of one school's active students, planned by class so that each class (the
 * cohort its anomalies are judged against) is scored whole and together.
 */
export interface ChunkDescriptor {
  /** Unique within the school's run, e.g. `c3`. */
  readonly chunkId: string;
  readonly classIds: readonly string[];
  /** Also the active students with no class. */
  readonly unassigned: boolean;
}

/** What scoring reads about one student, in one row. */
export interface StudentFeatures {
  readonly studentId: string;
  readonly classId: string | null;
  readonly repeatedYears: number;
  /** Term grades of the current academic year (fractions of the scale); null before any score. */
  readonly term1: number | null;
  readonly term2: number | null;
  /** Days absent (excused or not) and days marked this academic year. */
  readonly absences: number;
  readonly daysMarked: number;
  /** Up to the last ten school weeks, oldest first. */
  readonly weeks: readonly AttendanceWeek[];
  /** Score fractions of the latest assessments, oldest first. */
  readonly recentScores: readonly number[];
  /** Year-to-date subject results with mid-rank percentiles within class, grade and school. */
  readonly subjects: readonly {
    /** The subject's code, and its name. */
    readonly subject: string;
    readonly name: string;
    readonly class: number;
    readonly grade: number;
    readonly school: number;
  }[];
}

interface FeatureRow {
  studentId: string;
  classId: string | null;
  repeatedYears: number;
  term1: number | null;
  term2: number | null;
  absences: number;
  daysMarked: number;
  weeks: string;
  recentScores: string;
  subjects: string;
}

/**
 * Everything the scorers need about a chunk's students, in one statement: term grades,
 * absences, weekly attendance, recent scores, and subject percentiles ranked against the
 * whole school (the ranking runs over every active student, the rows are the chunk's).
 * "Now" is the latest day with a mark, not after today, so a calendar filled ahead of time
 * does not count future weeks. The per-student parts are MATERIALIZED: computed once and
 * joined, whatever the planner guesses of tables whose statistics lag a bulk import.
 */
const inChunk = (students: string) =>
  `(${students}.class_id::text IN (SELECT jsonb_array_elements_text(:classIds::jsonb))
    OR (:unassigned AND ${students}.class_id IS NULL))`;

export const chunkFeaturesSql = `
WITH year AS (${currentAcademicYearSql}),
year_terms AS (
  SELECT t.id, row_number() OVER (ORDER BY t.starts_on) AS term_no
    FROM terms t JOIN year ON t.academic_year_id = year.id),
chunk AS (
  SELECT s.id, s.class_id, s.repeated_years
    FROM students s
   WHERE s.status = 'active' AND ${inChunk('s')} AND ${analyticsPermittedSql('s')}),
as_of AS (
  SELECT coalesce(max(a.on_date), current_date) AS day
    FROM attendance a, year
   WHERE a.on_date BETWEEN year.starts_on AND least(year.ends_on, current_date)),
marks AS (
  SELECT a.student_id, a.on_date, a.status
    FROM attendance a, year, as_of
   WHERE a.student_id IN (SELECT id FROM chunk) AND a.on_date BETWEEN year.starts_on AND as_of.day),
attendance_totals AS MATERIALIZED (
  SELECT student_id, count(*) FILTER (WHERE status IN ('absent', 'excused'))::int AS absences, count(*)::int AS days
    FROM marks GROUP BY student_id),
weekly AS MATERIALIZED (
  SELECT student_id, jsonb_agg(jsonb_build_object('days', days, 'present', present) ORDER BY week) AS weeks
    FROM (SELECT student_id, date_trunc('week', on_date) AS week, count(*)::int AS days,
                 count(*) FILTER (WHERE status IN ('present', 'late'))::int AS present
            FROM marks, as_of WHERE on_date > as_of.day - 70
           GROUP BY student_id, date_trunc('week', on_date)) w
   GROUP BY student_id),
year_scores AS MATERIALIZED (
  SELECT sc.student_id, a.subject_id, yt.term_no, a.held_on, a.id AS assessment_id,
         sc.score / a.max_score AS fraction, a.weight, ${inChunk('s')} AS in_chunk
    FROM scores sc
    JOIN assessments a ON a.id = sc.assessment_id
    JOIN year_terms yt ON yt.id = a.term_id
    JOIN students s ON s.id = sc.student_id AND s.status = 'active'),
term_grades AS MATERIALIZED (
  SELECT student_id,
         avg(result) FILTER (WHERE term_no = 1)::float8 AS term1,
         avg(result) FILTER (WHERE term_no = 2)::float8 AS term2
    FROM (SELECT student_id, subject_id, term_no, sum(fraction * weight) / sum(weight) AS result
            FROM year_scores WHERE in_chunk
           GROUP BY student_id, subject_id, term_no) per_subject
   GROUP BY student_id),
recent AS MATERIALIZED (
  SELECT student_id, jsonb_agg(round(fraction, 4) ORDER BY held_on NULLS FIRST, assessment_id) AS scores
    FROM (SELECT student_id, fraction, held_on, assessment_id,
                 row_number() OVER (PARTITION BY student_id ORDER BY held_on DESC NULLS LAST, assessment_id DESC) AS back
            FROM year_scores WHERE in_chunk) latest
   WHERE back <= 8
   GROUP BY student_id),
subject_results AS (
  SELECT ys.student_id, ys.subject_id, s.class_id, c.grade_level_id, ys.in_chunk,
         round(sum(ys.fraction * ys.weight) / sum(ys.weight), 4) AS result
    FROM year_scores ys
    JOIN students s ON s.id = ys.student_id
    LEFT JOIN classes c ON c.id = s.class_id
   GROUP BY ys.student_id, ys.subject_id, s.class_id, c.grade_level_id, ys.in_chunk),
ranked AS (
  SELECT student_id, subject_id, in_chunk,
         round((rank() OVER (PARTITION BY subject_id, class_id ORDER BY result) - 1
                + count(*) OVER (PARTITION BY subject_id, class_id, result) / 2.0)
               / count(*) OVER (PARTITION BY subject_id, class_id) * 100, 1)::float8 AS in_class,
         round((rank() OVER (PARTITION BY subject_id, grade_level_id ORDER BY result) - 1
                + count(*) OVER (PARTITION BY subject_id, grade_level_id, result) / 2.0)
               / count(*) OVER (PARTITION BY subject_id, grade_level_id) * 100, 1)::float8 AS in_grade,
         round((rank() OVER (PARTITION BY subject_id ORDER BY result) - 1
                + count(*) OVER (PARTITION BY subject_id, result) / 2.0)
               / count(*) OVER (PARTITION BY subject_id) * 100, 1)::float8 AS in_school
    FROM subject_results),
percentiles AS MATERIALIZED (
  SELECT r.student_id,
         jsonb_agg(jsonb_build_object('subject', sub.code, 'name', sub.name, 'class', r.in_class,
                                      'grade', r.in_grade, 'school', r.in_school) ORDER BY sub.code) AS subjects
    FROM ranked r JOIN subjects sub ON sub.id = r.subject_id
   WHERE r.in_chunk
   GROUP BY r.student_id)
SELECT chunk.id AS "studentId", chunk.class_id AS "classId", chunk.repeated_years AS "repeatedYears",
       tg.term1, tg.term2,
       coalesce(at.absences, 0) AS absences, coalesce(at.days, 0) AS "daysMarked",
       coalesce(weekly.weeks, '[]')::text AS weeks,
       coalesce(recent.scores, '[]')::text AS "recentScores",
       coalesce(percentiles.subjects, '[]')::text AS subjects
  FROM chunk
  LEFT JOIN term_grades tg ON tg.student_id = chunk.id
  LEFT JOIN attendance_totals at ON at.student_id = chunk.id
  LEFT JOIN weekly ON weekly.student_id = chunk.id
  LEFT JOIN recent ON recent.student_id = chunk.id
  LEFT JOIN percentiles ON percentiles.student_id = chunk.id
 ORDER BY chunk.class_id NULLS LAST, chunk.id`;

/** The chunk's students and their features: one Data API call. */
export async function readChunkFeatures(db: DataApiSession, chunk: ChunkDescriptor): Promise<StudentFeatures[]> {
  const rows = await db.query<FeatureRow>(chunkFeaturesSql, {
    classIds: typed.json(chunk.classIds),
    unassigned: chunk.unassigned,
  });
  return rows.map((row) => ({
    ...row,
    weeks: JSON.parse(row.weeks) as AttendanceWeek[],
    recentScores: (JSON.parse(row.recentScores) as (number | string)[]).map(Number),
    subjects: JSON.parse(row.subjects) as StudentFeatures['subjects'],
  }));
}
