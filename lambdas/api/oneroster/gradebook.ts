import type * as z from 'zod';
import { auditEntry } from '../../shared/audit-entry';
import type { DataApiSession } from '../../shared/data-api';
import { invalid, notFound } from '../../shared/http';
import { scoresAudited } from '../assessments/assessments';
import type { resultPut } from './oneroster.schemas';
import { oneRosterRefusal } from './list-query';
import { sharedWithIntegrationsSql } from './roster-records';

export type ResultPut = z.output<typeof resultPut>;

/**
 * A learning platform's result, written into the school's gradebook as a teacher's score entry
 * is, in one audited statement: the line item must be one of the school's assessments, the
 * student active in its class (and shared with integrations), the score within the assessment's
 * maximum. The result keeps the id it was sent under; a student's score for a line item has one
 * id, so a second id for the same pair, or an id already another pair's, is refused (422).
 * Sending the same result again changes nothing and leaves no second audit entry.
 */
export async function putResult(
  db: DataApiSession,
  resultId: string,
  input: ResultPut,
): Promise<{ created: boolean; changed: boolean; classId: string }> {
  const { result } = input;
  if (result.sourcedId !== undefined && result.sourcedId !== resultId) {
    throw invalid([{ path: 'body.result.sourcedId', message: 'must be the id in the path' }]);
  }
  const [row] = await db.query<{
    lineItemFound: boolean;
    studentFound: boolean;
    tooHigh: boolean;
    otherPair: boolean;
    existingId: string | null;
    created: boolean;
    changed: boolean;
    raced: boolean;
    classId: string | null;
  }>(
    `WITH target AS (SELECT * FROM assessments WHERE id::text = :lineItemId),
     pupil AS (
       SELECT s.* FROM students s JOIN target t ON s.class_id = t.class_id
        WHERE s.id::text = :studentId AND s.status = 'active' AND ${sharedWithIntegrationsSql('s')}),
     existing AS (
       SELECT sc.* FROM scores sc JOIN target t ON sc.assessment_id = t.id JOIN pupil p ON sc.student_id = p.id),
     other_pair AS (
       SELECT 1 FROM scores sc
        WHERE sc.result_sourced_id = :resultId
          AND NOT EXISTS (SELECT 1 FROM existing e WHERE e.assessment_id = sc.assessment_id AND e.student_id = sc.student_id)),
     accepted AS (
       SELECT t.id AS assessment_id, p.id AS student_id, CAST(:score AS numeric) AS score
         FROM target t, pupil p
        WHERE CAST(:score AS numeric) <= t.max_score
          AND NOT EXISTS (SELECT 1 FROM other_pair)
          AND NOT EXISTS (SELECT 1 FROM existing e WHERE e.result_sourced_id <> :resultId)),
     previous_scores AS (SELECT * FROM existing),
     upserted AS (
       INSERT INTO scores (assessment_id, student_id, score, entered_by, result_sourced_id)
       SELECT assessment_id, student_id, score, :auditActor, :resultId FROM accepted
       ON CONFLICT (assessment_id, student_id) DO UPDATE
          SET score = excluded.score, entered_by = excluded.entered_by, entered_at = now()
        -- A score written meanwhile under another id is not taken over (see "raced").
        WHERE scores.score IS DISTINCT FROM excluded.score AND scores.result_sourced_id = excluded.result_sourced_id
       RETURNING *),
     ${auditEntry({ action: 'enter', entity: 'score', rows: 'many', entityId: '(SELECT id::text FROM target)', ...scoresAudited })}
     SELECT EXISTS (SELECT 1 FROM target) AS "lineItemFound", EXISTS (SELECT 1 FROM pupil) AS "studentFound",
            EXISTS (SELECT 1 FROM target t WHERE CAST(:score AS numeric) > t.max_score) AS "tooHigh",
            EXISTS (SELECT 1 FROM other_pair) AS "otherPair",
            (SELECT result_sourced_id FROM existing) AS "existingId",
            EXISTS (SELECT 1 FROM accepted) AND NOT EXISTS (SELECT 1 FROM existing) AS created,
            EXISTS (SELECT 1 FROM upserted) AS changed,
            EXISTS (SELECT 1 FROM accepted) AND NOT EXISTS (SELECT 1 FROM existing)
              AND NOT EXISTS (SELECT 1 FROM upserted) AS raced,
            (SELECT class_id::text FROM target) AS "classId"`,
    {
      lineItemId: result.lineItem.sourcedId,
      studentId: result.student.sourcedId,
      resultId,
      score: String(result.score),
    },
  );
  if (!row!.lineItemFound) throw notFound('The line item');
  if (!row!.studentFound) {
    throw invalid(
      [{ path: 'body.result.student.sourcedId', message: "is not an active student of the line item's class" }],
      'The result cannot be entered; nothing was written.',
    );
  }
  if (row!.tooHigh) {
    throw invalid([{ path: 'body.result.score', message: "is above the line item's resultValueMax" }]);
  }
  if (row!.otherPair) {
    throw oneRosterRefusal(422, 'invaliddata', `The result id ${resultId} is another student's or line item's result.`);
  }
  if (row!.existingId !== null && row!.existingId !== resultId) {
    throw oneRosterRefusal(
      422,
      'invaliddata',
      `This student already has a result for this line item, ${row!.existingId}: send it to that id.`,
    );
  }
  if (row!.raced) {
    // Another result for the pair was written while this one was: nothing of this one was.
    throw oneRosterRefusal(
      422,
      'invaliddata',
      'A result for this student and line item was written at the same time: read it and send yours to its id.',
    );
  }
  return { created: row!.created, changed: row!.changed, classId: row!.classId! };
}
