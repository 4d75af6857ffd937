import { accessLogAfter, accessLogWith } from '../../shared/access-log';
import {
  type AnalyticsSettings,
  analyticsSettingSql,
  analyticsSettings,
  analyticsSettingsOf,
} from '../../shared/analytics-settings';
import { type DataApiSession, type SqlValue, typed, jsonColumn } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import { type Caller, myClassesSql } from '../class-access';
import { auditEntry } from '../../shared/audit-entry';
import { minimumJudged } from '../../shared/model-track-record';
import { cursorValues, guardiansChildSql, keysetPage } from '../sql-fragments';
import type { AnalyticsOverview, AtRiskQuery, AtRiskStudent, StudentAnalyticsView } from './analytics.schemas';

/**
 * The students a caller may see analytics of (a CTE named `visible`): all of them for a
 * school admin (`:isAdmin`), for a teacher those of the classes they teach or are home-room
 * teacher of, as an active member of staff (`:actor`).
 */
const visibleStudents = `visible AS (
  SELECT s.id FROM students s WHERE s.status = 'active' AND (:isAdmin OR s.class_id IN (${myClassesSql})))`;

/** The guardian's (`:actor`) child `:studentId`, if theirs. */
const guardiansChild = `(SELECT :studentId WHERE ${guardiansChildSql(':studentId', ':actor')})`;

const callerParams = (caller: Caller) => ({ isAdmin: caller.isAdmin, actor: caller.userId });

const settingsThreshold = analyticsSettingSql.atRiskThreshold;

/** Counts over the students the caller sees: scored, at risk, with anomalies, by risk tenth and setup. */
export async function analyticsOverview(db: DataApiSession, caller: Caller): Promise<AnalyticsOverview> {
  const [row] = await db.query<Record<string, string | number | null>>(
    `WITH ${visibleStudents},
     threshold AS (SELECT ${settingsThreshold} AS value),
     scored AS (SELECT sa.* FROM student_analytics sa WHERE sa.student_id IN (SELECT id FROM visible))
     SELECT (SELECT count(*)::int FROM visible) AS students,
            (SELECT count(*)::int FROM scored) AS scored,
            (SELECT count(*)::int FROM scored, threshold WHERE scored.risk >= threshold.value) AS "atRisk",
            (SELECT value FROM threshold) AS threshold,
            (SELECT count(*)::int FROM scored WHERE jsonb_array_length(anomalies) > 0) AS "withAnomalies",
            (SELECT json_agg(coalesce(n, 0) ORDER BY tenth)
               FROM generate_series(0, 9) AS tenth
               LEFT JOIN (SELECT least(floor(risk * 10)::int, 9) AS t, count(*)::int AS n FROM scored GROUP BY 1) h
                 ON h.t = tenth)::text AS "riskHistogram",
            (SELECT json_build_object('A', count(*) FILTER (WHERE setup = 'A'), 'B', count(*) FILTER (WHERE setup = 'B'),
                                      'C', count(*) FILTER (WHERE setup = 'C')) FROM scored)::text AS "bySetup",
            (SELECT max(model_version) FROM scored) AS "modelVersion",
            (SELECT max(scored_at)::text FROM scored) AS "lastScoredAt",
            (SELECT jsonb_build_object('academicYear', ay.name, 'measuredAt', tr.measured_at, 'students', tr.students,
                                       'passRate', tr.pass_rate, 'bySetup', tr.by_setup, 'modelVersion', tr.model_version,
                                       'calibration', tr.calibration)
               FROM model_track_record tr JOIN academic_years ay ON ay.id = tr.academic_year_id
              ORDER BY tr.measured_at DESC LIMIT 1)::text AS "trackRecord"`,
    callerParams(caller),
  );
  return {
    students: Number(row!.students),
    scored: Number(row!.scored),
    atRisk: Number(row!.atRisk),
    threshold: Number(row!.threshold),
    withAnomalies: Number(row!.withAnomalies),
    riskHistogram: JSON.parse(String(row!.riskHistogram)) as number[],
    bySetup: JSON.parse(String(row!.bySetup)) as AnalyticsOverview['bySetup'],
    modelVersion: (row!.modelVersion as string | null) ?? null,
    lastScoredAt: (row!.lastScoredAt as string | null) ?? null,
    modelAtSchool: modelAtSchoolOf(row!.trackRecord as string | null, (row!.modelVersion as string | null) ?? null),
  };
}

/**
 * The school's latest measured track record as the API tells it, and which setups it
 * calibrates for the model in use (the version its students were last scored with).
 */
function modelAtSchoolOf(text: string | null, modelInUse: string | null): AnalyticsOverview['modelAtSchool'] {
  if (!text) return { status: 'cannot-tell-yet', reason: 'no-year-ended' };
  const record = jsonColumn<{
    academicYear: string;
    measuredAt: string;
    students: number;
    passRate: number | null;
    bySetup: Extract<AnalyticsOverview['modelAtSchool'], { status: 'measured' }>['bySetup'];
    modelVersion: string;
    calibration: Record<string, number>;
  }>(text);
  const enough = Object.values(record.bySetup).some((figures) => figures.n >= minimumJudged);
  if (!enough) return { status: 'cannot-tell-yet', reason: 'too-few-predictions' };
  return {
    status: 'measured',
    academicYear: record.academicYear,
    measuredAt: new Date(record.measuredAt).toISOString(),
    students: record.students,
    passRate: record.passRate,
    bySetup: record.bySetup,
    calibrated:
      record.modelVersion === modelInUse
        ? (['A', 'B', 'C'] as const).filter((setup) => record.calibration[setup] !== undefined)
        : [],
  };
}

interface AtRiskRow {
  studentId: string;
  admissionNo: string;
  name: string;
  classId: string | null;
  className: string | null;
  risk: number;
  setup: 'A' | 'B' | 'C';
  drivers: string;
  anomalies: number;
}

/** Students at or above a risk (the school's threshold unless given), riskiest first, paged. One round trip. */
export async function atRiskStudents(db: DataApiSession, caller: Caller, query: AtRiskQuery) {
  const params: Record<string, SqlValue> = {
    ...callerParams(caller),
    minRisk: query.minRisk ?? null,
    classId: query.classId ? typed.uuid(query.classId) : null,
    limit: query.limit + 1,
  };
  let after = '';
  if (query.cursor) {
    const [risk, id] = cursorValues(query.cursor, 2);
    after = 'AND (sa.risk, sa.student_id) < (:afterRisk::numeric, :afterId::uuid)';
    Object.assign(params, { afterRisk: String(risk), afterId: String(id) });
  }
  const rows = await db.query<AtRiskRow & { threshold: number }>(
    `WITH ${visibleStudents},
     threshold AS (SELECT coalesce(:minRisk::float8, ${settingsThreshold}) AS value)
     SELECT sa.student_id AS "studentId", s.admission_no AS "admissionNo", s.given_name || ' ' || s.family_name AS name,
            s.class_id AS "classId", c.name AS "className", sa.risk::float8 AS risk, sa.setup,
            coalesce((SELECT jsonb_agg(d) FROM jsonb_array_elements(sa.drivers) d
                       WHERE (d->>'contribution')::float8 > 0), '[]')::text AS drivers,
            jsonb_array_length(sa.anomalies) AS anomalies, threshold.value AS threshold
       FROM student_analytics sa
       JOIN students s ON s.id = sa.student_id
       LEFT JOIN classes c ON c.id = s.class_id
       CROSS JOIN threshold
      WHERE sa.student_id IN (SELECT id FROM visible) AND sa.risk >= threshold.value
        AND (:classId::uuid IS NULL OR s.class_id = :classId::uuid) ${after}
      ORDER BY sa.risk DESC, sa.student_id DESC
      LIMIT :limit`,
    params,
  );
  const threshold =
    rows[0]?.threshold ?? query.minRisk ?? (await thresholdOf(db)) ?? analyticsSettingsOf({}).atRiskThreshold;
  const page = keysetPage(
    rows.map(({ threshold: _t, drivers, ...row }) => ({
      ...row,
      drivers: jsonColumn<AtRiskStudent['drivers']>(drivers),
    })),
    query.limit,
    (last) => [last.risk, last.studentId],
  );
  return { ...page, threshold };
}

async function thresholdOf(db: DataApiSession): Promise<number | undefined> {
  const [row] = await db.query<{ value: number }>(`SELECT ${settingsThreshold} AS value`);
  return row?.value;
}

interface AnalyticsRow {
  studentId: string;
  risk: number | null;
  setup: 'A' | 'B' | 'C' | null;
  drivers: string;
  anomalies: string;
  percentiles: string;
  careers: string;
  modelVersion: string;
  runId: string;
  scoredAt: string;
}

const analyticsColumns = (showRisk: string) => `sa.student_id AS "studentId",
  CASE WHEN ${showRisk} THEN sa.risk::float8 END AS risk, CASE WHEN ${showRisk} THEN sa.setup END AS setup,
  CASE WHEN ${showRisk} THEN sa.drivers ELSE '[]' END::text AS drivers,
  sa.anomalies::text AS anomalies, sa.percentiles::text AS percentiles, sa.careers::text AS careers,
  sa.model_version AS "modelVersion", sa.run_id AS "runId", sa.scored_at::text AS "scoredAt"`;

const view = (row: AnalyticsRow): StudentAnalyticsView => ({
  ...row,
  drivers: jsonColumn(row.drivers),
  anomalies: jsonColumn(row.anomalies),
  percentiles: jsonColumn(row.percentiles),
  careers: jsonColumn(row.careers),
});

/** A student's latest analytics, if the caller may see the student and they have been scored. One round trip. */
export async function studentAnalytics(
  db: DataApiSession,
  caller: Caller,
  studentId: string,
): Promise<StudentAnalyticsView> {
  const [row] = await db.query<AnalyticsRow>(
    `WITH ${visibleStudents}${accessLogAfter(db, 'analytics', { studentId, sql: '(SELECT v.id FROM visible v WHERE v.id = :studentId)' })}
     SELECT ${analyticsColumns('true')} FROM student_analytics sa
      WHERE sa.student_id = :studentId AND sa.student_id IN (SELECT id FROM visible)`,
    { ...callerParams(caller), studentId: typed.uuid(studentId) },
  );
  if (!row) throw notFound("The student's analytics");
  return view(row);
}

/**
 * A child's analytics as their guardian sees them: only a linked child, and the risk
 * score and its drivers only if the school shows risk to guardians. One round trip.
 */
export async function childAnalytics(
  db: DataApiSession,
  guardianUserId: string,
  studentId: string,
): Promise<StudentAnalyticsView> {
  const [row] = await db.query<AnalyticsRow>(
    `${accessLogWith(db, 'analytics', { studentId, sql: guardiansChild })}SELECT ${analyticsColumns(analyticsSettingSql.guardiansSeeRisk)}
       FROM student_analytics sa
      WHERE sa.student_id = :studentId
        AND ${guardiansChildSql('sa.student_id', ':actor')}`,
    { actor: guardianUserId, studentId: typed.uuid(studentId) },
  );
  if (!row) throw notFound("The student's analytics");
  return view(row);
}

export async function readAnalyticsSettings(db: DataApiSession): Promise<AnalyticsSettings> {
  const [row] = await db.query<{ analytics: string }>(`SELECT analytics::text AS analytics FROM school_settings`);
  if (!row) throw notFound("The school's settings");
  return analyticsSettingsOf(JSON.parse(row.analytics));
}

/** Saves the analytics settings whole, audited; the next scoring uses them. One round trip. */
export async function writeAnalyticsSettings(
  db: DataApiSession,
  settings: AnalyticsSettings,
): Promise<AnalyticsSettings> {
  const [row] = await db.query<{ analytics: string }>(
    `WITH before AS (SELECT singleton, analytics FROM school_settings),
     changed AS (UPDATE school_settings SET analytics = :analytics, updated_at = now() RETURNING singleton, analytics),
     ${auditEntry({ action: 'update', entity: 'analytics-settings', before: 'before', after: 'changed', rows: 'one', key: ['singleton'], entityId: 'NULL' })}
     SELECT analytics::text AS analytics FROM changed`,
    { analytics: typed.json(analyticsSettings.parse(settings)) },
  );
  if (!row) throw notFound("The school's settings");
  return analyticsSettingsOf(JSON.parse(row.analytics));
}
