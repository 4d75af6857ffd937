import { randomUUID } from 'node:crypto';
import { DynamoErasureRegister } from '../shared/erasure-register';
import { deleteObject } from '../shared/object-storage';
import { readSchoolRecord, schoolDataAccess } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import { stepHandler } from '../shared/step-handler';
import { reapplyErasures } from '../shared/student-erasure';
import { applyRetention } from './retention-run';
import { removeUnfetchedExports } from './student-export';

interface RetentionStep {
  readonly runId: string;
  readonly schoolId: string;
  /** What started the nightly run: only the schedule applies retention, never a run asked for by hand. */
  readonly trigger: string;
}

let register: DynamoErasureRegister | undefined;

/**
 * The run's retention step, for one school: first the erasures of the register that the
 * database holds again (it was restored from a backup taken before them) are applied again, and
 * the files of exports never downloaded in their days are removed, on every run; then, on the
 * nightly run only, the school's retention policy. Answers (and logs) what each did.
 */
export const handler = stepHandler({
  'apply-retention': async (event) => {
    const { runId, schoolId, trigger } = event as unknown as RetentionStep;
    const school = await readSchoolRecord(schoolId);
    if (!school || schoolDataAccess(school.status) !== 'read-write') return { skipped: 'the school is not writable' };
    const erasures = await reapplyErasures(
      await schoolSessionFor(school, { actor: 'erasure-register', requestId: runId }),
      (register ??= new DynamoErasureRegister()),
      schoolId,
      randomUUID,
    );
    const erasedAgain = erasures.length;
    const db = await schoolSessionFor(school, { actor: 'retention-policy', requestId: runId });
    const exportsRemoved = await removeUnfetchedExports(db, { remove: (key) => deleteObject('exports', key) });
    if (trigger !== 'schedule') {
      return { erasedAgain, exportsRemoved, skipped: 'retention is applied by the nightly run only' };
    }
    return { erasedAgain, exportsRemoved, ...(await applyRetention(db, runId)) };
  },
});
