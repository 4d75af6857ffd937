import type { DataApiSession } from '../../shared/data-api';
import { openSql, overdueSql } from '../../shared/privacy-requests';
import { analyticsOverview } from '../analytics/analytics';
import type { Caller } from '../class-access';
import type { SchoolDashboard } from './dashboard.schemas';

/** How many days back the attendance trend reaches. */
const trendDays = 42;

/**
 * The admin's dashboard: today's attendance, the attendance trend, the
 * current term's grade distribution on the school's scale, and fees invoiced, due,
 * collected and overdue, in one round trip; with it, the analytics overview (at risk, the
 * spread of risk). "Today" is the school's, from its time zone.
 */
export async function schoolDashboard(db: DataApiSession, caller: Caller): Promise<SchoolDashboard> {
  // Two round trips at once: the figures of this screen, and the analytics overview as its own route reads it.
  const [rows, risk] = await Promise.all([
    db.query<{ dashboard: string }>(
      `WITH settings AS (SELECT timezone, grading_scale FROM school_settings),
          today AS (SELECT (now() AT TIME ZONE coalesce((SELECT timezone FROM settings), 'UTC'))::date AS d),
          active AS (SELECT id FROM students WHERE status = 'active'),
          marks_today AS (
            SELECT a.status FROM attendance a JOIN active s ON s.id = a.student_id
             WHERE a.on_date = (SELECT d FROM today)),
          trend AS (
            SELECT on_date, count(*)::int AS marked,
                   (count(*) FILTER (WHERE status IN ('present', 'late')))::float8 / count(*) AS rate
              FROM attendance
             WHERE on_date > (SELECT d FROM today) - ${trendDays} AND on_date <= (SELECT d FROM today)
             GROUP BY on_date),
          term AS (
            SELECT id, name FROM terms WHERE starts_on <= (SELECT d FROM today)
             ORDER BY starts_on DESC LIMIT 1),
          -- float8 rather than numeric: the same figures, several times faster to sum over a term.
          results AS (
            SELECT 100 * sum(sc.score::float8 / a.max_score::float8 * a.weight::float8) / sum(a.weight::float8) AS percent
              FROM scores sc
              JOIN assessments a ON a.id = sc.assessment_id AND a.term_id = (SELECT id FROM term)
              JOIN active s ON s.id = sc.student_id
             GROUP BY sc.student_id, a.subject_id),
          bands AS (
            SELECT label, min_percent, lead(min_percent) OVER (ORDER BY min_percent) AS below
              FROM (SELECT b->>'label' AS label, (b->>'minPercent')::float8 AS min_percent
                      FROM settings, jsonb_array_elements(grading_scale) b) scale),
          -- Each result in its band by a range join, counted in one pass.
          graded AS MATERIALIZED (
            SELECT b.label, count(*)::int AS results
              FROM results r JOIN bands b ON r.percent >= b.min_percent AND (b.below IS NULL OR r.percent < b.below)
             GROUP BY b.label),
          due AS (
            SELECT student_id, sum(amount_minor) AS due_minor FROM invoices
             WHERE due_on <= (SELECT d FROM today) GROUP BY student_id),
          paid AS (SELECT student_id, sum(amount_minor) AS paid_minor FROM payments GROUP BY student_id),
          owing AS (
            SELECT due.due_minor - coalesce(paid.paid_minor, 0) AS owed
              FROM due LEFT JOIN paid USING (student_id)
             WHERE due.due_minor > coalesce(paid.paid_minor, 0))
     SELECT json_build_object(
       'today', (SELECT d FROM today),
       'attendanceToday', json_build_object(
          'present', (SELECT count(*) FROM marks_today WHERE status = 'present'),
          'late', (SELECT count(*) FROM marks_today WHERE status = 'late'),
          'absent', (SELECT count(*) FROM marks_today WHERE status = 'absent'),
          'excused', (SELECT count(*) FROM marks_today WHERE status = 'excused'),
          'unmarked', (SELECT count(*) FROM active) - (SELECT count(*) FROM marks_today)),
       'attendanceTrend', coalesce((SELECT json_agg(json_build_object('date', on_date, 'rate', rate, 'marked', marked)
                                                    ORDER BY on_date) FROM trend), '[]'),
       'term', (SELECT json_build_object('id', id, 'name', name) FROM term),
       'gradeDistribution', coalesce((SELECT json_agg(json_build_object(
                               'label', b.label, 'minPercent', b.min_percent, 'results', coalesce(g.results, 0))
                             ORDER BY b.min_percent DESC)
                               FROM bands b LEFT JOIN graded g ON g.label = b.label), '[]'),
       'fees', json_build_object(
          'invoicedMinor', (SELECT coalesce(sum(amount_minor), 0) FROM invoices),
          'dueMinor', (SELECT coalesce(sum(due_minor), 0) FROM due),
          'collectedMinor', (SELECT coalesce(sum(amount_minor), 0) FROM payments),
          'overdueMinor', (SELECT coalesce(sum(owed), 0) FROM owing),
          'studentsOverdue', (SELECT count(*) FROM owing)),
       'privacyRequests', (SELECT json_build_object('open', count(*), 'overdue', count(*) FILTER (WHERE ${overdueSql('r')}),
                                                    'nextDueOn', min(r.due_on))
                             FROM privacy_requests r WHERE ${openSql('r')})
     )::text AS dashboard`,
    ),
    analyticsOverview(db, caller),
  ]);
  return { ...(JSON.parse(rows[0]!.dashboard) as Omit<SchoolDashboard, 'risk'>), risk };
}
