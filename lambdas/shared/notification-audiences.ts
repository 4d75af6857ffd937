import * as z from 'zod';
import { messagesRefusedSql } from './consents';

/**
 * Who an announcement goes to, as the composer's preview counts them and the dispatcher
 * writes to them: the same SQL for both, so the count shown is the count sent.
 */
export const audienceScopes = ['school', 'staff', 'grade', 'class', 'class-guardians'] as const;
export type AudienceScope = (typeof audienceScopes)[number];

/**
 * The whole school (guardians of active students and active staff), all staff, a grade's
 * guardians, a class (its guardians and its teachers), or a class's guardians only.
 */
export const audience = z.discriminatedUnion('scope', [
  z.object({ scope: z.literal('school') }).strict(),
  z.object({ scope: z.literal('staff') }).strict(),
  z.object({ scope: z.literal('grade'), gradeLevelId: z.uuid() }).strict(),
  z.object({ scope: z.literal('class'), classId: z.uuid() }).strict(),
  z.object({ scope: z.literal('class-guardians'), classId: z.uuid() }).strict(),
]);
export type Audience = z.infer<typeof audience>;

/**
 * SQL (CTEs, the last named `people`: `id`, `kind` guardian or staff, `name`, `email`, `phone`,
 * `user_sub`) of the audience held in the JSON expression `audienceJson`, each person once.
 */
export function audienceSql(audienceJson: string): string {
  return `audience AS (
      SELECT ${audienceJson}->>'scope' AS scope,
             (${audienceJson}->>'gradeLevelId')::uuid AS grade_level_id,
             (${audienceJson}->>'classId')::uuid AS class_id
    ),
    audience_pupils AS (
      SELECT s.id FROM students s, audience a
       WHERE s.status = 'active'
         AND (a.scope = 'school'
              OR (a.scope = 'grade' AND s.class_id IN (SELECT c.id FROM classes c WHERE c.grade_level_id = a.grade_level_id))
              OR (a.scope IN ('class', 'class-guardians') AND s.class_id = a.class_id))
    ),
    people AS (
      SELECT g.id, 'guardian' AS kind, g.name, g.email, g.phone, g.user_sub
        FROM guardians g
       WHERE g.id IN (SELECT sg.guardian_id FROM student_guardians sg JOIN audience_pupils p ON p.id = sg.student_id)
      UNION ALL
      SELECT st.id, 'staff', st.name, st.email, NULL, st.user_sub
        FROM staff st, audience a
       WHERE st.status = 'active'
         AND (a.scope IN ('school', 'staff')
              OR (a.scope = 'class' AND (st.id IN (SELECT homeroom_teacher_id FROM classes WHERE id = a.class_id)
                                         OR st.id IN (SELECT staff_id FROM teaching_assignments WHERE class_id = a.class_id))))
    )`;
}

/**
 * SQL (a CTE named `routed`, after `people`): each person once per channel of the
 * `announcements` category, in-app always, with the address the channel uses (people
 * without it, or without a browser that allowed push, are left out of that channel).
 */
export const routedAnnouncementSql = `rules AS (SELECT default_channels FROM notification_settings),
    routed AS (
      SELECT p.id, p.kind, ch.channel, pref.locale,
             CASE ch.channel WHEN 'email' THEN p.email WHEN 'sms' THEN p.phone END AS address
        FROM people p
        LEFT JOIN notification_preferences pref ON pref.person_id = p.id
        CROSS JOIN rules
        CROSS JOIN LATERAL (
          SELECT 'in-app' AS channel
          UNION ALL
          SELECT c FROM jsonb_array_elements_text(
                   coalesce(pref.channels->'announcements', rules.default_channels->'announcements', '[]')) c
           WHERE c IN ('email', 'sms', 'push')
        ) ch
       WHERE ch.channel = 'in-app'
          OR (-- A family that refused messages beyond essential ones has announcements in the app only.
              NOT (p.kind = 'guardian' AND ${messagesRefusedSql('p.id')})
              AND ((ch.channel = 'push' AND EXISTS (SELECT 1 FROM push_subscriptions ps WHERE ps.person_id = p.id))
                   OR (CASE ch.channel WHEN 'email' THEN p.email WHEN 'sms' THEN p.phone END) IS NOT NULL))
    )`;
