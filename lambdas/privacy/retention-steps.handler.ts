import { readSchoolRecord, schoolDataAccess } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { stepHandler } from '../shared/step-handler';
import { applyRetention } from './retention-run';

interface RetentionStep {
  readonly runId: string;
  readonly schoolId: string;
  /** What started the nightly run: only the schedule applies retention, never a run asked for by hand. */
  readonly trigger: string;
}

/** The nightly run's retention step: one school's policy applied, what it removed answered (and logged). */
export const handler = stepHandler({
  'apply-retention': async (event) => {
    const { runId, schoolId, trigger } = event as unknown as RetentionStep;
    if (trigger !== 'schedule') return { skipped: 'retention is applied by the nightly run only' };
    const school = await readSchoolRecord(schoolId);
    if (!school || schoolDataAccess(school.status) !== 'read-write') return { skipped: 'the school is not writable' };
    const db = await schoolSessionFor(school, { actor: 'retention-policy', requestId: runId });
    return { ...(await applyRetention(db, runId)) };
  },
});
