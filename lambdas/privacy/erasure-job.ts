import { randomUUID } from 'node:crypto';
import type { BucketPurpose } from '../shared/buckets';
import { type DataApiSession, jsonColumn, typed } from '../shared/data-api';
import type { ErasureRegister } from '../shared/erasure-register';
import { privacyTransitions } from '../shared/privacy-requests';
import { type ErasurePending, erasurePeople, eraseStudent } from '../shared/student-erasure';
import type { UserDirectory } from '../shared/user-directory';
import { audited } from './student-export';

/** What an erasure reaches outside the school's database. */
export interface ErasurePorts {
  /** Removes a stored file (its replicas follow: the buckets replicate deletions). */
  removeObject(bucket: BucketPurpose, key: string): Promise<void>;
  readonly directory: Pick<UserDirectory, 'removeFromSchool'>;
  readonly register: ErasureRegister;
}

/**
 * Carries out an approved erasure (taken by `startRequest`), each step safe to repeat: the
 * register first (so a restore of an older backup applies it again, whatever happens next),
 * then the one statement that erases the student in the database and writes down what is left
 * outside it, then the files and sign-ins, then done. A retry after a crash finds the student
 * gone and carries on from what is written down.
 */
export async function carryOutErasure(
  db: DataApiSession,
  ports: ErasurePorts,
  schoolId: string,
  requestId: string,
  studentId: string | null,
): Promise<Record<string, unknown>> {
  const people = studentId ? await erasurePeople(db, studentId) : undefined;
  if (people) {
    await ports.register.record({ schoolId, requestId, ...people, erasedAt: new Date().toISOString() });
    await eraseStudent(db, { requestId, studentId: people.studentId, pseudonymId: randomUUID(), finish: false });
  }
  const [row] = await db.query<{ pending: string | null; outcome: string | null }>(
    `SELECT pending::text AS pending, outcome::text AS outcome FROM privacy_requests WHERE id = :requestId`,
    { requestId: typed.uuid(requestId) },
  );
  const pending = row?.pending ? jsonColumn<ErasurePending>(row.pending) : { objects: [], signIns: [] };
  for (const object of pending.objects) await ports.removeObject(object.bucket, object.key);
  for (const email of pending.signIns) await ports.directory.removeFromSchool(email, schoolId);
  await db.query(`WITH ${privacyTransitions.done()}, ${audited('finish')} SELECT id FROM moved`, {
    requestId: typed.uuid(requestId),
  });
  return {
    outcome: 'erased',
    objects: pending.objects.length,
    signIns: pending.signIns.length,
    ...(row?.outcome ? { removed: jsonColumn<Record<string, unknown>>(row.outcome) } : {}),
  };
}
