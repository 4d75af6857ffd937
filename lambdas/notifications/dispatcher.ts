import { type DataApiSession, typed } from '../shared/data-api';
import { openLiveConnections, pushToConnections } from '../shared/live-updates';
import { logger } from '../shared/observability';
import { appOriginVariable } from '../shared/platform-variables';
import { wakeDispatcherAt } from '../shared/notification-outbox';
import { readSchoolRecord } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import type { SchoolRecord } from '../shared/tenant-directory';
import { dispatchDue, unsentMessages } from './dispatch';
import { askForDailyNotices } from './daily-notices';
import { purgeExpiredMessages } from './message-retention';
import { queueAnnouncementForDelivery, queueForDelivery } from './delivery-queue';

/** Who the dispatcher's audit entries name. */
export const dispatcherActor = 'notification-dispatcher';

/** Dispatches of one school per wake-up or sweep, at most: a backlog beyond goes on at the next. */
const maxRounds = 50;

/**
 * Dispatches everything of a school that has fallen due (in rounds, each a transaction), and
 * queues the e-mail and text messages for their senders; with `sweep`, also queues again what
 * was written but not sent a while after; with `hourly`, first asks for the day's notices once
 * the school's notice time has come, and afterwards removes the wording of messages past the
 * school's retention. Answers what it did, for the log.
 */
export async function dispatchSchool(
  school: SchoolRecord,
  invocation: { requestId: string; sweep?: boolean; hourly?: boolean },
): Promise<Record<string, number>> {
  const db = await schoolSessionFor(school, { actor: dispatcherActor, requestId: invocation.requestId });
  const totals = {
    dispatched: 0,
    cancelled: 0,
    postponed: 0,
    messages: 0,
    queued: 0,
    requeued: 0,
    live: 0,
    purged: 0,
    feeReminders: 0,
    chronicAbsence: 0,
  };
  if (invocation.hourly) {
    const daily = await askForDailyNotices(db);
    totals.feeReminders = daily.feeReminders;
    totals.chronicAbsence = daily.chronicAbsence;
  }
  let wakeAt: string | null = null;
  const written: string[] = [];
  const appUrl = process.env[appOriginVariable] ?? '';
  for (let round = 0; round < maxRounds; round++) {
    const outcome = await dispatchDue(db, { appUrl });
    totals.dispatched += outcome.dispatched;
    totals.cancelled += outcome.cancelled;
    totals.postponed += outcome.postponed;
    totals.messages += outcome.messages;
    written.push(...outcome.requestIds);
    // Written first, then queued: a crash in between leaves messages the sweep finds.
    for (const urgency of ['urgent', 'bulk'] as const) {
      if (outcome.toSend[urgency].length) await queueForDelivery(school.schoolId, outcome.toSend[urgency], urgency);
      totals.queued += outcome.toSend[urgency].length;
    }
    for (const { requestId, queued } of outcome.sendParts) {
      await queueAnnouncementForDelivery(school.schoolId, requestId, queued);
      totals.queued += queued;
    }
    if (outcome.nextDueAt && (!wakeAt || outcome.nextDueAt < wakeAt)) wakeAt = outcome.nextDueAt;
    if (!outcome.more && !(outcome.nextDueAt && new Date(outcome.nextDueAt) <= new Date())) break;
  }
  if (written.length) totals.live = await tellOpenInboxes(db, school.schoolId, written);
  if (wakeAt && new Date(wakeAt) > new Date()) await wakeDispatcherAt({ schoolId: school.schoolId, dueAt: wakeAt });
  if (invocation.sweep) {
    const unsent = await unsentMessages(db, { queuedForSeconds: 120, claimedForSeconds: 600 });
    for (const urgency of ['urgent', 'bulk'] as const) {
      if (unsent[urgency].length) await queueForDelivery(school.schoolId, unsent[urgency], urgency);
      totals.requeued += unsent[urgency].length;
    }
  }
  if (invocation.hourly) totals.purged = await purgeExpiredMessages(db);
  return totals;
}

/**
 * The people with the app open who have just got in-app messages of these requests hear it on
 * their live connections. The school's open connections are read first: usually there are
 * none, or a few, whatever the size of the audience.
 */
async function tellOpenInboxes(db: DataApiSession, schoolId: string, requestIds: readonly string[]): Promise<number> {
  try {
    const connections = await openLiveConnections(schoolId);
    if (!connections.length) return 0;
    const rows = await db.query<{ userId: string }>(
      `SELECT DISTINCT p.user_sub AS "userId"
         FROM notification_messages m
         JOIN (SELECT id, user_sub FROM guardians UNION ALL SELECT id, user_sub FROM staff) p ON p.id = m.recipient_id
        WHERE m.channel = 'in-app'
          AND m.request_id IN (SELECT (jsonb_array_elements_text(:requests::jsonb))::uuid)
          AND p.user_sub IN (SELECT jsonb_array_elements_text(:users::jsonb))`,
      {
        requests: typed.json(requestIds),
        users: typed.json([...new Set(connections.map((c) => c.userId))]),
      },
    );
    const recipients = new Set(rows.map((row) => row.userId));
    return await pushToConnections(
      connections.filter((c) => recipients.has(c.userId)),
      { type: 'inbox' },
    );
  } catch (error) {
    // The messages are written and in the inbox; the screen shows them on its next read.
    logger.warn('live inbox updates not sent', { schoolId, error });
    return 0;
  }
}

/** The school of a wake-up, if notifications may be written for it now. */
export async function activeSchool(schoolId: string): Promise<SchoolRecord | undefined> {
  const school = await readSchoolRecord(schoolId);
  if (school?.status === 'ACTIVE') return school;
  logger.warn('notifications not dispatched: the school is not ACTIVE', { schoolId, status: school?.status });
  return undefined;
}
