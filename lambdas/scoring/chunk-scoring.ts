import modelArtefact from '../../layers/model/at-risk-model.json';
import { type AnalyticsSettings, analyticsSettingSql } from '../shared/analytics-settings';
import { type DataApiSession, typed } from '../shared/data-api';
import { type AnomalyFlag, anomalyFlags } from './anomalies';
import { currentAcademicYearSql } from '../shared/academic-year';
import { analyticsPermittedSql } from '../shared/consents';
import { noticeRequestsSql } from '../shared/notification-outbox';
import {
  type AtRiskModel,
  type Driver,
  type Feature,
  type LearningRecord,
  onModelScale,
  type SchoolCalibration,
  type Setup,
  scoreRisk,
} from './at-risk-model';
import { type CareerSuggestion, careerSuggestions } from './career-clusters';
import { type ChunkDescriptor, readChunkFeatures, type StudentFeatures } from './chunk-features';

/** The model every scorer runs: the artefact `npm run model:train` wrote. */
export const atRiskModel = modelArtefact as AtRiskModel;

/** The training course counts absences over a school year of about 180 days. */
const trainingYearDays = 180;
/** Fewer days marked than this and the absence rate is taken over this many, so one early absence is not a year of them. */
const minimumDaysForRate = 20;

/** What a school's settings say about scoring it, read once per run (or rescoring) and passed to each chunk. */
export interface SchoolScoringSettings {
  /** The pass mark as a fraction of the school's scale. */
  readonly passMark: number;
  readonly analytics: AnalyticsSettings;
  /** The model's calibration to the school, from its track record; none for a school that cannot yet tell. */
  readonly calibration: SchoolCalibration;
}

export interface StudentAnalytics {
  readonly studentId: string;
  readonly setup: Setup;
  readonly risk: number;
  /** What the model read, on its own scale: kept with the prediction so it can be judged and recalibrated. */
  readonly inputs: LearningRecord;
  readonly drivers: readonly Driver[];
  readonly anomalies: readonly Omit<AnomalyFlag, 'studentId'>[];
  readonly percentiles: StudentFeatures['subjects'];
  readonly careers: readonly CareerSuggestion[];
}

const percentText = (fraction: number) => `${Math.round(fraction * 100)} %`;

function riskOf(student: StudentFeatures, settings: SchoolScoringSettings, model: AtRiskModel) {
  const { passMark } = settings;
  const absences = (student.absences / Math.max(student.daysMarked, minimumDaysForRate)) * trainingYearDays;
  const record = {
    term1: student.term1 === null ? null : onModelScale(student.term1, passMark),
    // A second-term grade without a first is read as a first-term one: the model has no setup for it alone.
    term2: student.term1 === null ? null : student.term2 === null ? null : onModelScale(student.term2, passMark),
    failures: student.repeatedYears,
    absences,
  };
  // What a teacher reads is the school's own numbers, not the model's scale.
  const describe = (feature: Feature): string => {
    switch (feature) {
      case 'term1':
        return `first-term grade ${percentText(student.term1!)}`;
      case 'term2':
        return `second-term grade ${percentText(student.term2!)}`;
      case 'failures':
        return student.repeatedYears === 1 ? '1 repeated year' : `${student.repeatedYears} repeated years`;
      case 'absences':
        return `${student.absences} ${student.absences === 1 ? 'absence' : 'absences'} in ${student.daysMarked} days`;
    }
  };
  return { record, score: scoreRisk(model, record, 20, undefined, describe, settings.calibration) };
}

/** Scores a chunk's students: risk for each, anomalies within each class, careers from school percentiles. */
export function scoreStudents(
  students: readonly StudentFeatures[],
  settings: SchoolScoringSettings,
  model: AtRiskModel = atRiskModel,
): StudentAnalytics[] {
  const byClass = new Map<string, StudentFeatures[]>();
  for (const student of students) {
    const cohort = byClass.get(student.classId ?? '');
    if (cohort) cohort.push(student);
    else byClass.set(student.classId ?? '', [student]);
  }
  const flags = new Map<string, Omit<AnomalyFlag, 'studentId'>[]>();
  for (const cohort of byClass.values()) {
    const histories = cohort.map((s) => ({ studentId: s.studentId, attendance: s.weeks, scores: s.recentScores }));
    for (const { studentId, ...flag } of anomalyFlags(histories, settings.analytics.anomalies)) {
      flags.set(studentId, [...(flags.get(studentId) ?? []), flag]);
    }
  }
  return students.map((student) => {
    const { record, score: risk } = riskOf(student, settings, model);
    const names = Object.fromEntries(student.subjects.map((s) => [s.subject, s.name]));
    return {
      studentId: student.studentId,
      setup: risk.setup,
      risk: Math.round(risk.risk * 10_000) / 10_000,
      inputs: record,
      drivers: risk.drivers.map((d) => ({ ...d, contribution: Math.round(d.contribution * 1000) / 1000 })),
      anomalies: flags.get(student.studentId) ?? [],
      percentiles: student.subjects,
      careers: careerSuggestions(student.subjects, names, settings.analytics.careerClusters),
    };
  });
}

/** The actor the audit log (and what the scoring asks for) names for what scoring runs write. */
export const scoringActor = 'scoring-run';

/** What writing a chunk's results did. */
export interface AnalyticsWritten {
  readonly written: number;
  /** Notices asked for students the results newly put at risk. */
  readonly riskNotices: number;
}

/**
 * Writes a chunk's results in one statement. A result replaces an older one only if the
 * data it scored was read later, so a re-run chunk, a rescoring and a nightly run can land
 * in any order and the newest reading stays. The same statement keeps each prediction for
 * the academic year under way (the latest per student and setup), for the track record, and
 * asks for a notice to staff about each student it puts at risk who was scored below the
 * school's threshold before (a school's first run, where every student is new, tells nobody);
 * the minute sweep sends them.
 */
export async function writeStudentAnalytics(
  db: DataApiSession,
  results: readonly StudentAnalytics[],
  provenance: { runId: string; modelVersion: string; dataAsOf: Date },
): Promise<AnalyticsWritten> {
  if (results.length === 0) return { written: 0, riskNotices: 0 };
  const [row] = await db.query<AnalyticsWritten>(
    `WITH results AS (
       SELECT r.* FROM jsonb_to_recordset(:results::jsonb) AS r("studentId" uuid, setup text, risk numeric,
                        inputs jsonb, drivers jsonb, anomalies jsonb, percentiles jsonb, careers jsonb)
        -- A consent refused or withdrawn since the chunk was read: not written.
        WHERE r."studentId" IN (SELECT s.id FROM students s WHERE ${analyticsPermittedSql('s')})),
     -- The statement's snapshot: each student's risk before this write.
     previous AS (SELECT student_id, risk FROM student_analytics WHERE student_id IN (SELECT "studentId" FROM results)),
     predictions AS (
       INSERT INTO risk_predictions (academic_year_id, student_id, setup, inputs, risk, model_version, data_as_of)
       SELECT year.id, r."studentId", r.setup, r.inputs, r.risk, :modelVersion, :dataAsOf
         FROM results r, (${currentAcademicYearSql}) year
       ON CONFLICT (academic_year_id, student_id, setup) DO UPDATE SET
         inputs = excluded.inputs, risk = excluded.risk, model_version = excluded.model_version,
         data_as_of = excluded.data_as_of
       WHERE risk_predictions.data_as_of <= excluded.data_as_of),
     written AS (
     INSERT INTO student_analytics
       (student_id, run_id, model_version, setup, risk, drivers, anomalies, percentiles, careers, data_as_of)
     SELECT r."studentId", :runId, :modelVersion, r.setup, r.risk, r.drivers, r.anomalies, r.percentiles, r.careers,
            :dataAsOf
       FROM results r
     ON CONFLICT (student_id) DO UPDATE SET
       run_id = excluded.run_id, model_version = excluded.model_version, setup = excluded.setup,
       risk = excluded.risk, drivers = excluded.drivers, anomalies = excluded.anomalies,
       percentiles = excluded.percentiles, careers = excluded.careers,
       data_as_of = excluded.data_as_of, scored_at = now()
     WHERE student_analytics.data_as_of <= excluded.data_as_of
     RETURNING student_id, risk),
     threshold AS (SELECT ${analyticsSettingSql.atRiskThreshold} AS at_risk),
     ${noticeRequestsSql('risk_notices', 'at-risk', {
       // A student whose risk wavers about the threshold is told of once a month at most.
       from: `FROM written w JOIN previous p ON p.student_id = w.student_id, threshold t
        WHERE w.risk >= t.at_risk AND p.risk < t.at_risk AND (SELECT risk_notices FROM notification_settings)
          AND NOT EXISTS (SELECT 1 FROM notification_requests q WHERE q.student_id = w.student_id AND q.kind = 'at-risk'
                             AND q.created_at > now() - interval '30 days')`,
       key: "w.student_id || '/' || :runId",
       payload: "jsonb_build_object('risk', w.risk, 'runId', :runId::text)",
       studentId: 'w.student_id',
       requestedBy: ':scoringActor',
     })}
     SELECT (SELECT count(*) FROM written)::int AS written, (SELECT count(*) FROM risk_notices)::int AS "riskNotices"`,
    {
      runId: provenance.runId,
      modelVersion: provenance.modelVersion,
      dataAsOf: typed.timestamp(provenance.dataAsOf),
      results: typed.json(results),
      scoringActor,
    },
  );
  return row!;
}

export interface ChunkOutcome {
  readonly students: number;
  readonly atRisk: number;
  readonly anomalies: number;
  /** Notices asked for students newly at risk (the minute sweep sends them). */
  readonly riskNotices: number;
  /** Data API calls the chunk made: one read, one write. */
  readonly roundTrips: number;
}

/** One chunk, end to end: one read of every feature, scoring in memory, one batched write. */
export async function scoreChunk(
  db: DataApiSession,
  chunk: ChunkDescriptor,
  settings: SchoolScoringSettings,
  runId: string,
  model: AtRiskModel = atRiskModel,
): Promise<ChunkOutcome> {
  const before = db.roundTrips;
  const dataAsOf = new Date();
  const students = await readChunkFeatures(db, chunk);
  const results = scoreStudents(students, settings, model);
  const { riskNotices } = await writeStudentAnalytics(db, results, { runId, modelVersion: model.version, dataAsOf });
  return {
    students: results.length,
    atRisk: results.filter((r) => r.risk >= settings.analytics.atRiskThreshold).length,
    anomalies: results.reduce((sum, r) => sum + r.anomalies.length, 0),
    riskNotices,
    roundTrips: db.roundTrips - before,
  };
}
