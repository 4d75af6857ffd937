import { beforeAll, describe, expect, it } from 'vitest';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import type { Role } from '../../lambdas/shared/roles';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { changeNotificationRules, noQuietHours } from '../support/notification-rules';
import { pdfText } from '../support/pdf-text';
import { type ApiResponse, callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';

const platform = useLocalPlatform('api-analytics');
let demo: DemoSchool;
let db: DataApiSession;
const tokens = new Map<Role, string>();

const as = <T = Record<string, unknown>>(role: Role, method: string, path: string, body?: unknown) =>
  callApi<T>(platform().url, tokens.get(role), method, path, body);

/** Polls a GET until `done` holds for its answer. */
async function until<T>(role: Role, path: string, done: (answer: ApiResponse<T>) => boolean, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const answer = await as<T>(role, 'GET', path);
    if (done(answer)) return answer;
    if (Date.now() > end) throw new Error(`Timed out on ${path}: ${JSON.stringify(answer.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  demo = (await ensureDemoSchool(platform()))!;
  for (const signIn of demo.signIns)
    tokens.set(signIn.role, await accessTokenFor(platform().url, signIn.email, signIn.password));
  db = schoolSession(demo.school, platform().shardGroups.find((g) => g.id === demo.school.shardGroupId)!.resourceArn);
});

describe('a school admin scores the school through the API and reads its analytics', () => {
  it('starts a run (202), follows its progress to DONE, and refuses a second while one is scoring', async () => {
    const started = await as<{ runId: string; status: string }>('school-admin', 'POST', '/api/v1/analytics/runs');
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('STARTING');
    const second = await as('school-admin', 'POST', '/api/v1/analytics/runs');
    // The first may already have finished on a fast machine; if not, the second is refused.
    expect([202, 409]).toContain(second.status);
    const done = await until<{ status: string; studentsScored: number; chunksDone: number; chunksTotal: number }>(
      'school-admin',
      `/api/v1/analytics/runs/${started.body.runId}`,
      (answer) => answer.status === 200 && answer.body.status === 'DONE',
    );
    expect(done.body.chunksDone).toBe(done.body.chunksTotal);
    expect(done.body.studentsScored).toBe(demo.counts.students);
    const list = await as<{ items: { runId: string }[] }>('school-admin', 'GET', '/api/v1/analytics/runs');
    expect(list.body.items.map((r) => r.runId)).toContain(started.body.runId);
    // Never another school's run, even by its id.
    expect((await as('school-admin', 'GET', '/api/v1/analytics/runs/not-a-run-of-ours')).status).toBe(404);
  });

  it('gives the overview: every active student scored, at-risk counted at the threshold, risk spread in tenths', async () => {
    const overview = await as<{
      students: number;
      scored: number;
      atRisk: number;
      threshold: number;
      riskHistogram: number[];
      bySetup: Record<string, number>;
    }>('school-admin', 'GET', '/api/v1/analytics/overview');
    expect(overview.status).toBe(200);
    expect(overview.roundTrips).toBe(1);
    const { students, scored, atRisk, threshold, riskHistogram, bySetup } = overview.body;
    expect(scored).toBe(students);
    expect(threshold).toBe(0.5);
    expect(riskHistogram.reduce((a, b) => a + b, 0)).toBe(scored);
    expect(riskHistogram.slice(5).reduce((a, b) => a + b, 0)).toBe(atRisk);
    // The demo school has first-term grades only: setup B for everyone.
    expect(bySetup).toEqual({ A: 0, B: scored, C: 0 });
    const [{ n }] = (await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM student_analytics WHERE risk >= 0.5`,
    )) as [{ n: number }];
    expect(atRisk).toBe(n);
  });

  it('lists students at risk, riskiest first, with the drivers that push them, page by page', async () => {
    const first = await as<{ items: { risk: number; drivers: { contribution: number }[] }[]; nextCursor: string }>(
      'school-admin',
      'GET',
      '/api/v1/analytics/at-risk?limit=10',
    );
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(10);
    const risks = first.body.items.map((s) => s.risk);
    expect([...risks].sort((a, b) => b - a)).toEqual(risks);
    expect(first.body.items.every((s) => s.risk >= 0.5 && s.drivers.every((d) => d.contribution > 0))).toBe(true);
    const second = await as<{ items: { risk: number; studentId: string }[] }>(
      'school-admin',
      'GET',
      `/api/v1/analytics/at-risk?limit=10&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.items[0]!.risk).toBeLessThanOrEqual(risks.at(-1)!);
    expect((await as('school-admin', 'GET', '/api/v1/analytics/at-risk?minRisk=2')).body).toMatchObject({
      error: { code: 'VALIDATION_FAILED', fields: [{ path: 'query.minRisk' }] },
    });
  });

  it("shows a teacher only their classes' students", async () => {
    const mine = await as<{ items: { classId: string }[] }>(
      'teacher',
      'GET',
      '/api/v1/analytics/at-risk?minRisk=0&limit=200',
    );
    const [teacherClasses] = (await db.query<{ ids: string }>(
      `SELECT json_agg(DISTINCT c)::text AS ids FROM (
         SELECT ta.class_id AS c FROM teaching_assignments ta JOIN staff st ON st.id = ta.staff_id
          WHERE st.email = :email
         UNION SELECT c.id FROM classes c JOIN staff st ON st.id = c.homeroom_teacher_id WHERE st.email = :email) x`,
      { email: demo.signIns.find((s) => s.role === 'teacher')!.email },
    )) as [{ ids: string }];
    const allowed = new Set(JSON.parse(teacherClasses.ids) as string[]);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((s) => allowed.has(s.classId))).toBe(true);
    const [outside] = await db.query<{ id: string }>(
      `SELECT s.id FROM students s WHERE s.status = 'active' AND NOT (s.class_id::text IN (SELECT jsonb_array_elements_text(:ids::jsonb))) LIMIT 1`,
      { ids: teacherClasses.ids },
    );
    expect((await as('teacher', 'GET', `/api/v1/analytics/students/${outside!.id}`)).status).toBe(404);
    expect((await as('school-admin', 'GET', `/api/v1/analytics/students/${outside!.id}`)).status).toBe(200);
  });

  it("gives a student's analytics: risk with drivers, percentiles in class, grade and school, careers", async () => {
    const [student] = await db.query<{ id: string }>(
      `SELECT student_id AS id FROM student_analytics ORDER BY risk LIMIT 1`,
    );
    const answer = await as<{
      risk: number;
      drivers: { text: string }[];
      percentiles: { subject: string; class: number; grade: number; school: number }[];
      careers: { reason: string }[];
    }>('school-admin', 'GET', `/api/v1/analytics/students/${student!.id}`);
    expect(answer.status).toBe(200);
    expect(answer.body.drivers.map((d) => d.text).join(' ')).toMatch(/first-term grade \d+ %/);
    expect(answer.body.percentiles).toHaveLength(8);
    for (const p of answer.body.percentiles) {
      for (const value of [p.class, p.grade, p.school]) expect(value).toBeGreaterThanOrEqual(0);
    }
    // The lowest-risk student is strong somewhere: at least one suggestion, with its reason.
    expect(answer.body.careers.length).toBeGreaterThan(0);
    expect(answer.body.careers[0]!.reason).toMatch(/^Strong in .+ percentile/);
  });
});

describe('guardians never see risk unless the school allows it', () => {
  it('hides risk from the portal, then shows it once the settings say so; an unlinked child is not found', async () => {
    const children = await as<{ items: { studentId: string }[] }>('guardian', 'GET', '/api/v1/portal/children');
    const child = children.body.items[0]!.studentId;
    const hidden = await as<{ risk: number | null; drivers: unknown[]; percentiles: unknown[] }>(
      'guardian',
      'GET',
      `/api/v1/portal/children/${child}/analytics`,
    );
    expect(hidden.status).toBe(200);
    expect(hidden.body).toMatchObject({ risk: null, drivers: [] });
    expect(hidden.body.percentiles.length).toBeGreaterThan(0);
    expect((await as<{ risk: unknown }>('guardian', 'GET', `/api/v1/portal/children/${child}`)).body.risk).toBeNull();
    expect((await as<{ risk: unknown }>('school-admin', 'GET', `/api/v1/students/${child}`)).body.risk).not.toBeNull();

    const settings = await as<Record<string, unknown>>('school-admin', 'GET', '/api/v1/analytics/settings');
    expect(settings.body).toMatchObject({ guardiansSeeRisk: false, atRiskThreshold: 0.5 });
    const bad = await as('school-admin', 'PUT', '/api/v1/analytics/settings', {
      ...settings.body,
      atRiskThreshold: 1.5,
      careerClusters: [],
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('body.atRiskThreshold');
    expect(JSON.stringify(bad.body)).toContain('body.careerClusters');
    const saved = await as('school-admin', 'PUT', '/api/v1/analytics/settings', {
      ...settings.body,
      guardiansSeeRisk: true,
    });
    expect(saved.status).toBe(200);
    const shown = await as<{ risk: number | null }>('guardian', 'GET', `/api/v1/portal/children/${child}/analytics`);
    expect(shown.body.risk).toEqual(expect.any(Number));

    const [stranger] = await db.query<{ id: string }>(
      `SELECT s.id FROM students s WHERE NOT EXISTS (
         SELECT 1 FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
          WHERE sg.student_id = s.id AND g.user_sub IS NOT NULL) LIMIT 1`,
    );
    expect((await as('guardian', 'GET', `/api/v1/portal/children/${stranger!.id}/analytics`)).status).toBe(404);
    await as('school-admin', 'PUT', '/api/v1/analytics/settings', { ...settings.body, guardiansSeeRisk: false });
  });
});

describe('rescoring after a save', () => {
  it('scores a class again within seconds of its attendance being marked', async () => {
    const [target] = await db.query<{ classId: string; day: string; students: string }>(
      `SELECT c.id AS "classId", (SELECT max(on_date)::text FROM attendance) AS day,
              (SELECT json_agg(s.id)::text FROM students s WHERE s.class_id = c.id AND s.status = 'active') AS students
         FROM classes c ORDER BY c.name LIMIT 1`,
    );
    const students = JSON.parse(target!.students) as string[];
    const marked = await as<{ changed: number }>(
      'school-admin',
      'PUT',
      `/api/v1/classes/${target!.classId}/attendance/${target!.day}`,
      { marks: students.map((studentId) => ({ studentId, status: 'absent' })) },
    );
    expect(marked.status).toBe(200);
    expect(marked.body.changed).toBeGreaterThan(0);
    const end = Date.now() + 20_000;
    let rescored = 0;
    while (Date.now() < end) {
      const [row] = (await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM student_analytics
          WHERE run_id LIKE 'rescore-attendance-%' AND student_id IN (SELECT id FROM students WHERE class_id = :classId::uuid)`,
        { classId: target!.classId },
      )) as [{ n: number }];
      rescored = row.n;
      if (rescored === students.length) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(rescored).toBe(students.length);
  });
});

describe('PDF reports through the API', () => {
  it("renders a class's report cards, one page per student, downloadable through the signed link", async () => {
    const [scope] = await db.query<{ classId: string; termId: string; students: number }>(
      `SELECT c.id AS "classId", (SELECT id FROM terms ORDER BY starts_on LIMIT 1) AS "termId",
              (SELECT count(*)::int FROM students s WHERE s.class_id = c.id AND s.status = 'active') AS students
         FROM classes c ORDER BY c.name LIMIT 1`,
    );
    const requested = await as<{ id: string; status: string }>('school-admin', 'POST', '/api/v1/reports', {
      kind: 'report-cards',
      termId: scope!.termId,
      classId: scope!.classId,
    });
    expect(requested.status).toBe(202);
    const done = await until<{ status: string; pages: number; downloadUrl: string }>(
      'school-admin',
      `/api/v1/reports/${requested.body.id}`,
      (answer) => answer.body.status === 'done',
    );
    expect(done.body.pages).toBe(scope!.students);
    const download = await fetch(done.body.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const pdf = await pdfText(new Uint8Array(await download.arrayBuffer()));
    expect(pdf.pages).toBe(scope!.students);
    expect(pdf.text.every((page) => page.includes('Term report card') && page.includes('Results'))).toBe(true);
  });

  it('lets each role ask only for its reports, and a guardian only about their own child', async () => {
    const [ids] = await db.query<{ termId: string; otherClass: string; child: string; stranger: string }>(
      `SELECT (SELECT id FROM terms ORDER BY starts_on LIMIT 1) AS "termId",
              (SELECT c.id FROM classes c WHERE NOT EXISTS (
                 SELECT 1 FROM staff st WHERE st.email = :teacher AND (c.homeroom_teacher_id = st.id
                   OR EXISTS (SELECT 1 FROM teaching_assignments ta WHERE ta.class_id = c.id AND ta.staff_id = st.id)))
                LIMIT 1) AS "otherClass",
              (SELECT sg.student_id FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                WHERE g.user_sub IS NOT NULL LIMIT 1) AS child,
              (SELECT s.id FROM students s WHERE NOT EXISTS (
                 SELECT 1 FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id
                  WHERE sg.student_id = s.id AND g.user_sub IS NOT NULL) LIMIT 1) AS stranger`,
      { teacher: demo.signIns.find((s) => s.role === 'teacher')!.email },
    );
    const { termId, otherClass, child, stranger } = ids!;
    expect(
      (await as('teacher', 'POST', '/api/v1/reports', { kind: 'report-cards', termId, classId: otherClass })).status,
    ).toBe(403);
    expect((await as('teacher', 'POST', '/api/v1/reports', { kind: 'school-analytics' })).status).toBe(403);
    expect(
      (await as('bursar', 'POST', '/api/v1/reports', { kind: 'report-cards', termId, classId: otherClass })).status,
    ).toBe(403);
    expect(
      (await as('guardian', 'POST', '/api/v1/reports', { kind: 'fee-statement', studentId: stranger })).status,
    ).toBe(404);
    // The notice that it is ready is not urgent: no quiet hours, so that the test holds at any time of day.
    await changeNotificationRules((method, path, body) => as('school-admin', method, path, body), noQuietHours);
    const statement = await as<{ id: string }>('guardian', 'POST', '/api/v1/reports', {
      kind: 'fee-statement',
      studentId: child,
    });
    expect(statement.status).toBe(202);
    const done = await until<{ status: string; downloadUrl: string }>(
      'guardian',
      `/api/v1/reports/${statement.body.id}`,
      (answer) => answer.body.status === 'done',
    );
    const pdf = await pdfText(new Uint8Array(await (await fetch(done.body.downloadUrl)).arrayBuffer()));
    expect(pdf.text[0]).toContain('Fee statement');
    // The guardian is told it is ready, in the school's language, with a link to where it is downloaded.
    const told = await until<{ items: { kind: string; subject: string; body: string }[] }>(
      'guardian',
      '/api/v1/notifications',
      (answer) => answer.body.items.some((m) => m.kind === 'report-ready'),
    );
    const notice = told.body.items.find((m) => m.kind === 'report-ready')!;
    expect(notice.subject).toBe('O seu relatório está pronto: extrato de propinas');
    expect(notice.body).toContain(`${platform().url}/children`);
    const [asked] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM notification_requests WHERE kind = 'report-ready' AND payload->>'reportId' = :id`,
      { id: statement.body.id },
    );
    expect(asked!.n).toBe(1);
    // A guardian's list holds their own requests only; the bursar does not see the guardian's.
    const mine = await as<{ items: { id: string }[] }>('guardian', 'GET', '/api/v1/reports');
    expect(mine.body.items.map((r) => r.id)).toEqual([statement.body.id]);
    expect((await as('bursar', 'GET', `/api/v1/reports/${statement.body.id}`)).status).toBe(404);
    const bad = await as('school-admin', 'POST', '/api/v1/reports', { kind: 'report-cards', termId });
    expect(bad.status).toBe(400);
  });
});
