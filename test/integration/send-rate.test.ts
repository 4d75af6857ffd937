import { beforeAll, describe, expect, it } from 'vitest';
import type { AnnouncementCreated } from '../../lambdas/api/notifications/notifications.schemas';
import { bulkSendRateVariable } from '../../lambdas/shared/platform-variables';
import { bulkDeliveryQueue } from '../../lambdas/shared/queues';
import { handlerEntryMetadataKey } from '../../lib/constructs/school-function';
import type { SynthesizedStack } from '../../local/step-functions/template-values';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';
import { until } from '../support/until';

/** The school's bulk rate here: low, so that 60 e-mails take seconds. */
const perSecond = 20;

/** A per-school rate, set in the bulk worker's synthesized environment as a stage's config sets it. */
function withBulkRate(stacks: SynthesizedStack[]): SynthesizedStack[] {
  let set = 0;
  for (const { template } of stacks) {
    for (const fn of Object.values(template.Resources)) {
      if (fn.Type !== 'AWS::Lambda::Function' || fn.Metadata?.[handlerEntryMetadataKey] !== bulkDeliveryQueue.handler) {
        continue;
      }
      const variables = (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment
        .Variables;
      // The local stage has the default rate, too high to see in a test's few e-mails.
      expect(variables[bulkSendRateVariable]).toBe('250');
      variables[bulkSendRateVariable] = String(perSecond);
      set++;
    }
  }
  expect(set).toBe(1);
  return stacks;
}

/**
 * A school's bulk sends go at its share of the account's SES rate, however many senders run:
 * every sender of the school takes from one allowance per second, kept in the school's database.
 */
const platform = useLocalPlatform('send-rate', { editTemplates: withBulkRate });
let oak: SchoolFixture;
let admin: SchoolUser;
let classId: string;

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakrate');
  admin = await oak.user('school-admin');
  expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  await changeNotificationRules((method, path, body) => admin.call(method, path, body), noQuietHours);
  const [row] = await oak.db.query<{ class_id: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 7', 7) RETURNING id),
          admin AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:admin, 'admin@oakrate.test', 'Ada Admin', 'school-admin')),
          class AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                    SELECT year.id, grade.id, '7R' FROM year, grade RETURNING id),
          pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                     SELECT 'R-' || n, 'Pupil' || n, 'Rate', class.id FROM class, generate_series(1, 60) n
                     RETURNING id, admission_no),
          parents AS (INSERT INTO guardians (name, email)
                      SELECT 'Parent ' || n, 'parent' || n || '@oakrate.test' FROM generate_series(1, 60) n
                      RETURNING id, email),
          links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
                    SELECT p.id, g.id, 'parent' FROM pupils p
                      JOIN parents g ON g.email = 'parent' || substr(p.admission_no, 3) || '@oakrate.test')
     SELECT class.id AS class_id FROM class`,
    { admin: admin.userId },
  );
  classId = row!.class_id;
});

describe("a school's bulk sending rate", () => {
  it('sends an announcement to 60 guardians at no more than the rate a second, all of them, once', async () => {
    const sent = await admin.call<AnnouncementCreated>('POST', '/api/v1/notifications/announcements', {
      audience: { scope: 'class-guardians', classId },
      title: 'Dia do desporto',
      body: 'Sexta-feira no pavilhão.',
      clientKey: `rate-${Date.now()}`,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const delivered = () =>
      platform()
        .messaging.mailbox.list()
        .filter((m) => m.kind === 'email' && m.subject === 'Dia do desporto');
    await until(async () => (delivered().length >= 60 ? true : undefined), 'the 60 e-mails', 1200);
    expect(new Set(delivered().flatMap((m) => (m.kind === 'email' ? m.to : []))).size).toBe(60);
    expect(delivered()).toHaveLength(60);
    const seconds = await oak.db.query<{ sent: number }>(`SELECT sent FROM send_allowance ORDER BY second`);
    expect(seconds.reduce((sum, s) => sum + s.sent, 0)).toBe(60);
    expect(Math.max(...seconds.map((s) => s.sent))).toBeLessThanOrEqual(perSecond);
    expect(seconds.length).toBeGreaterThanOrEqual(3);
    const times = delivered().map((m) => Date.parse(m.time));
    // 60 at 20 a second cross at least two second boundaries.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(1000);
  });
});
