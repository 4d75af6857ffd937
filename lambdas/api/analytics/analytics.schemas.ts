import * as z from 'zod';
import { analyticsSettings } from '../../shared/analytics-settings';
import { pageQuery } from '../validation';

export { analyticsSettings };

export const studentPath = z.object({ studentId: z.uuid() }).strict();
export const runPath = z.object({ runId: z.string().min(1).max(80) }).strict();

export const atRiskQuery = z
  .object({
    classId: z.uuid().optional(),
    /** At least this risk (0–1). @default the school's at-risk threshold */
    minRisk: z.coerce.number().min(0).max(1).optional(),
    ...pageQuery,
  })
  .strict();
export type AtRiskQuery = z.infer<typeof atRiskQuery>;

export const runListQuery = z.object({ ...pageQuery }).strict();

/** A school's part of a scoring run, as the school admin follows it. */
export const scoringRun = z.object({
  runId: z.string(),
  status: z.enum(['STARTING', 'SCORING', 'DONE', 'FAILED']),
  trigger: z.enum(['schedule', 'api', 'operator']),
  modelVersion: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  chunksTotal: z.number().int().optional(),
  chunksDone: z.number().int().optional(),
  studentsTotal: z.number().int().optional(),
  studentsScored: z.number().int().optional(),
  atRisk: z.number().int().optional(),
  anomalies: z.number().int().optional(),
  failure: z.string().optional(),
});
export const startedScoringRun = z.object({ runId: z.string(), status: z.literal('STARTING') });

const driver = z.object({ feature: z.string(), contribution: z.number(), text: z.string() });
const anomaly = z.object({
  kind: z.enum(['attendance', 'grades']),
  before: z.number(),
  now: z.number(),
  drop: z.number(),
  evidence: z.number(),
  reason: z.string(),
});
const percentile = z.object({
  subject: z.string(),
  name: z.string(),
  class: z.number(),
  grade: z.number(),
  school: z.number(),
});
const career = z.object({ clusterId: z.string(), name: z.string(), strength: z.number(), reason: z.string() });

export const studentAnalytics = z.object({
  studentId: z.uuid(),
  /** Null for a guardian when the school does not show risk to guardians. */
  risk: z.number().nullable(),
  setup: z.enum(['A', 'B', 'C']).nullable(),
  drivers: z.array(driver),
  anomalies: z.array(anomaly),
  percentiles: z.array(percentile),
  careers: z.array(career),
  modelVersion: z.string(),
  runId: z.string(),
  scoredAt: z.string(),
});
export type StudentAnalyticsView = z.infer<typeof studentAnalytics>;

export const atRiskStudent = z.object({
  studentId: z.uuid(),
  admissionNo: z.string(),
  name: z.string(),
  classId: z.uuid().nullable(),
  className: z.string().nullable(),
  risk: z.number(),
  setup: z.enum(['A', 'B', 'C']),
  /** The pushes towards risk, largest first. */
  drivers: z.array(driver),
  anomalies: z.number().int(),
});
export type AtRiskStudent = z.infer<typeof atRiskStudent>;
export const atRiskPage = z.object({
  items: z.array(atRiskStudent),
  nextCursor: z.string().nullable(),
  threshold: z.number(),
});

const setupTrackRecord = z.object({
  /** Predictions judged: students predicted at this setup who have a final grade. */
  n: z.number().int(),
  accuracy: z.number(),
  brier: z.number(),
  predictedFailRate: z.number(),
  observedFailRate: z.number(),
});

/**
 * How well the at-risk model has done at this school: its predictions of the last academic
 * year that has ended, held against that year's final grades, and whether its risks are now
 * calibrated to the school; or that it cannot yet tell, and why.
 */
export const modelAtSchool = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('cannot-tell-yet'),
    reason: z.enum(['no-year-ended', 'too-few-predictions']),
  }),
  z.object({
    status: z.literal('measured'),
    academicYear: z.string(),
    measuredAt: z.string(),
    /** Students of that year with a final grade, and the share who passed. */
    students: z.number().int(),
    passRate: z.number().nullable(),
    bySetup: z.object({
      A: setupTrackRecord.optional(),
      B: setupTrackRecord.optional(),
      C: setupTrackRecord.optional(),
    }),
    /** The setups whose risks the school's track record now calibrates (for the model in use). */
    calibrated: z.array(z.enum(['A', 'B', 'C'])),
  }),
]);

export const analyticsOverview = z.object({
  students: z.number().int(),
  scored: z.number().int(),
  atRisk: z.number().int(),
  threshold: z.number(),
  withAnomalies: z.number().int(),
  /** How many students are in each tenth of risk, 0–10 % first. */
  riskHistogram: z.array(z.number().int()).length(10),
  bySetup: z.object({ A: z.number().int(), B: z.number().int(), C: z.number().int() }),
  modelVersion: z.string().nullable(),
  lastScoredAt: z.string().nullable(),
  modelAtSchool: modelAtSchool,
});
export type AnalyticsOverview = z.infer<typeof analyticsOverview>;
