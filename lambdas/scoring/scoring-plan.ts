import { analyticsSettingsOf } from '../shared/analytics-settings';
import { type DataApiSession, jsonColumn } from '../shared/data-api';
import type { AtRiskModel, SchoolCalibration } from './at-risk-model';
import type { ChunkDescriptor } from './chunk-features';
import { atRiskModel, type SchoolScoringSettings } from './chunk-scoring';
import { currentCalibrationSql } from './track-record';

/**
 * Students per chunk: a chunk's read (about 1 KB a student) stays well inside the Data
 * API's 1 MiB response, and its write inside the 4 MiB request.
 */
export const defaultChunkSize = 400;

export interface SchoolPlan {
  readonly settings: SchoolScoringSettings;
  readonly chunks: readonly ChunkDescriptor[];
  readonly students: number;
}

interface ClassCount {
  classId: string | null;
  students: number;
}

/**
 * Packs whole classes into chunks of about `chunkSize` students, in a stable order, so a
 * class is always scored together (its anomalies are judged against itself) and a re-plan
 * of the same school gives the same chunks. A class larger than a chunk is a chunk alone.
 */
export function packClasses(classes: readonly ClassCount[], chunkSize: number): ChunkDescriptor[] {
  const chunks: { classIds: string[]; unassigned: boolean; students: number }[] = [];
  let current: (typeof chunks)[number] | undefined;
  for (const { classId, students } of classes) {
    if (students === 0) continue;
    if (!current || current.students + students > chunkSize) {
      current = { classIds: [], unassigned: false, students: 0 };
      chunks.push(current);
    }
    if (classId === null) current.unassigned = true;
    else current.classIds.push(classId);
    current.students += students;
  }
  return chunks.map(({ classIds, unassigned }, i) => ({ chunkId: `c${i + 1}`, classIds, unassigned }));
}

/**
 * One read: the school's pass mark and analytics settings, the model's calibration to the
 * school (from its last measured track record, for this model version), and its active
 * students per class. Undefined for a school without settings (not yet set up): there is no
 * pass mark to score against.
 */
export async function planSchool(
  db: DataApiSession,
  chunkSize = defaultChunkSize,
  model: AtRiskModel = atRiskModel,
): Promise<SchoolPlan | undefined> {
  const [row] = await db.query<{ passMarkPercent: number; analytics: string; calibration: string; classes: string }>(
    `SELECT ss.pass_mark::float8 AS "passMarkPercent", ss.analytics::text AS analytics,
            ${currentCalibrationSql}::text AS calibration,
            coalesce((SELECT jsonb_agg(jsonb_build_object('classId', class_id, 'students', n)
                                       ORDER BY class_id NULLS LAST)
                        FROM (SELECT class_id, count(*)::int AS n FROM students WHERE status = 'active'
                               GROUP BY class_id) per_class), '[]')::text AS classes
       FROM school_settings ss`,
    { modelVersion: model.version },
  );
  if (!row) return undefined;
  const classes = JSON.parse(row.classes) as ClassCount[];
  return {
    settings: {
      passMark: row.passMarkPercent / 100,
      analytics: analyticsSettingsOf(JSON.parse(row.analytics)),
      calibration: jsonColumn<SchoolCalibration>(row.calibration),
    },
    chunks: packClasses(classes, chunkSize),
    students: classes.reduce((sum, c) => sum + c.students, 0),
  };
}
