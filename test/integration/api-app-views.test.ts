import { describe, expect, it } from 'vitest';
import type { OnboardingRunDetail } from '../../lambdas/api/platform/onboarding-runs.schemas';
import type { SchoolDashboard } from '../../lambdas/api/dashboard/dashboard.schemas';
import type { AssessmentScores } from '../../lambdas/api/assessments/assessment.schemas';
import type { MyClasses } from '../../lambdas/api/structure/structure.schemas';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';

/**
 * The routes the web app's screens are built on (the dashboard, a teacher's classes, an
 * assessment's scores, the caller's school, the onboarding runs), over real HTTP against the
 * demo school, each figure checked against the database.
 */
const platform = useLocalPlatform('app-views');
let demo: DemoSchool;
let db: DataApiSession;
const tokens: Record<string, string> = {};
const call = <T>(role: string, path: string) => callApi<T>(platform().url, tokens[role], 'GET', path);

describe('the routes behind the web app', () => {
  it('signs in each role of the demo school', async () => {
    demo = (await ensureDemoSchool(platform()))!;
    const group = platform().shardGroups.find((g) => g.id === demo.school.shardGroupId)!;
    db = schoolSession(demo.school, group.resourceArn);
    for (const account of demo.signIns)
      tokens[account.role] = await accessTokenFor(platform().url, account.email, account.password);
    const operator = platform().firstRunSignIn!;
    tokens['platform-operator'] = await accessTokenFor(platform().url, operator.username, operator.password);
  });

  it('GET /api/v1/me says whose school it is and whether it can be used; an operator has none', async () => {
    const me = await call<{ roles: string[]; school?: unknown }>('teacher', '/api/v1/me');
    expect(me.body).toMatchObject({
      roles: ['teacher'],
      school: { name: 'Demo High School', status: 'ACTIVE', access: 'read-write' },
    });
    const operator = await call<{ roles: string[]; school?: unknown }>('platform-operator', '/api/v1/me');
    expect(operator.body.roles).toEqual(['platform-operator']);
    expect(operator.body.school).toBeUndefined();
  });

  it("GET /api/v1/me/classes lists the teacher's classes with their subjects and students", async () => {
    const teacher = demo.signIns.find((s) => s.role === 'teacher')!;
    const classes = await call<MyClasses>('teacher', '/api/v1/me/classes');
    expect(classes.status).toBe(200);
    expect(classes.roundTrips).toBeLessThanOrEqual(2);
    const expected = await db.query<{ id: string; homeroom: boolean; students: number; subjects: string }>(
      `SELECT c.id, c.homeroom_teacher_id = st.id AS homeroom,
              (SELECT count(*)::int FROM students s WHERE s.class_id = c.id AND s.status = 'active') AS students,
              coalesce((SELECT string_agg(sj.name, ',' ORDER BY sj.name) FROM teaching_assignments ta
                          JOIN subjects sj ON sj.id = ta.subject_id WHERE ta.class_id = c.id AND ta.staff_id = st.id), '') AS subjects
         FROM classes c, staff st
        WHERE st.email = :email AND (c.homeroom_teacher_id = st.id
              OR EXISTS (SELECT 1 FROM teaching_assignments ta WHERE ta.class_id = c.id AND ta.staff_id = st.id))`,
      { email: teacher.email },
    );
    expect(classes.body.items.map((item) => item.id).sort()).toEqual(expected.map((row) => row.id).sort());
    for (const item of classes.body.items) {
      const row = expected.find((candidate) => candidate.id === item.id)!;
      expect(item.homeroom).toBe(row.homeroom);
      expect(item.activeStudents).toBe(row.students);
      expect(item.subjects.map((subject) => subject.name).join(',')).toBe(row.subjects);
    }
    expect(classes.body.items.filter((item) => item.homeroom)).toHaveLength(1);
    expect((await call('bursar', '/api/v1/me/classes')).status).toBe(403);
  });

  it('GET /api/v1/dashboard adds up to what the database holds, in at most two round trips', async () => {
    const dashboard = await call<SchoolDashboard>('school-admin', '/api/v1/dashboard');
    expect(dashboard.status).toBe(200);
    expect(dashboard.roundTrips).toBeLessThanOrEqual(2);
    const body = dashboard.body;
    const [facts] = await db.query<{ active: number; paid: number; invoiced: number; results: number }>(
      `SELECT (SELECT count(*)::int FROM students WHERE status = 'active') AS active,
              (SELECT coalesce(sum(amount_minor), 0)::int FROM payments) AS paid,
              (SELECT coalesce(sum(amount_minor), 0)::int FROM invoices) AS invoiced,
              (SELECT count(*)::int FROM (SELECT DISTINCT sc.student_id, a.subject_id FROM scores sc
                  JOIN assessments a ON a.id = sc.assessment_id AND a.term_id = :termId::uuid
                  JOIN students s ON s.id = sc.student_id AND s.status = 'active') r) AS results`,
      { termId: body.term!.id },
    );
    const today = body.attendanceToday;
    expect(today.present + today.late + today.absent + today.excused + today.unmarked).toBe(facts!.active);
    expect(body.fees.collectedMinor).toBe(facts!.paid);
    expect(body.fees.invoicedMinor).toBe(facts!.invoiced);
    expect(body.fees.overdueMinor).toBeLessThanOrEqual(body.fees.dueMinor);
    expect(body.gradeDistribution.map((band) => band.label)).toEqual(['A', 'B', 'C', 'D', 'F']);
    expect(body.gradeDistribution.reduce((sum, band) => sum + band.results, 0)).toBe(facts!.results);
    expect(body.attendanceTrend.length).toBeGreaterThan(10);
    for (const day of body.attendanceTrend) expect(day.rate).toBeGreaterThan(0.5);
    const overview = await call<SchoolDashboard['risk']>('school-admin', '/api/v1/analytics/overview');
    expect(body.risk).toEqual(overview.body);
    expect((await call('teacher', '/api/v1/dashboard')).status).toBe(403);
  });

  it("GET /api/v1/assessments/{id}/scores lists the class's active students with their scores", async () => {
    const [assessment] = await db.query<{ id: string; class_id: string }>(
      `SELECT a.id, a.class_id FROM assessments a WHERE EXISTS (SELECT 1 FROM scores WHERE assessment_id = a.id) LIMIT 1`,
    );
    const grid = await call<AssessmentScores>('school-admin', `/api/v1/assessments/${assessment!.id}/scores`);
    expect(grid.status).toBe(200);
    expect(grid.roundTrips).toBe(1);
    const expected = await db.query<{ id: string; score: number | null }>(
      `SELECT s.id, sc.score::float8 AS score FROM students s
         LEFT JOIN scores sc ON sc.student_id = s.id AND sc.assessment_id = :id::uuid
        WHERE s.class_id = :classId::uuid AND s.status = 'active'`,
      { id: assessment!.id, classId: assessment!.class_id },
    );
    expect(grid.body.assessment.id).toBe(assessment!.id);
    expect(Object.fromEntries(grid.body.students.map((s) => [s.studentId, s.score]))).toEqual(
      Object.fromEntries(expected.map((row) => [row.id, row.score])),
    );
    const unknown = await call('school-admin', '/api/v1/assessments/00000000-0000-4000-8000-000000000000/scores');
    expect(unknown.status).toBe(404);
    expect((await call('bursar', `/api/v1/assessments/${assessment!.id}/scores`)).status).toBe(403);
  });

  it('GET /api/v1/platform/onboarding-runs lists the runs and shows one step by step, without the admin’s e-mail', async () => {
    const runs = await call<{ items: { name: string; status: string }[] }>(
      'platform-operator',
      '/api/v1/platform/onboarding-runs',
    );
    expect(runs.status).toBe(200);
    const run = runs.body.items.find((item) => item.name.startsWith('onboard-demo-high-'));
    expect(run).toMatchObject({ status: 'SUCCEEDED' });
    const detail = await call<OnboardingRunDetail>(
      'platform-operator',
      `/api/v1/platform/onboarding-runs/${run!.name}`,
    );
    expect(detail.body).toMatchObject({
      status: 'SUCCEEDED',
      school: { slug: 'demo-high', name: 'Demo High School', schoolId: demo.school.schoolId },
      error: null,
    });
    expect(detail.body.steps.length).toBeGreaterThan(3);
    expect(detail.body.steps.every((step) => step.status === 'succeeded')).toBe(true);
    expect(JSON.stringify(detail.body)).not.toContain('admin@demo-high.example');
    const filtered = await call<{ items: unknown[] }>(
      'platform-operator',
      '/api/v1/platform/onboarding-runs?status=FAILED',
    );
    expect(filtered.body.items).toEqual([]);
    expect((await call('platform-operator', '/api/v1/platform/onboarding-runs/no-such-run')).status).toBe(404);
    const bad = await call<{ error: { fields: { path: string }[] } }>(
      'platform-operator',
      '/api/v1/platform/onboarding-runs/a:b',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0]!.path).toBe('path.runName');
    expect((await call('school-admin', '/api/v1/platform/onboarding-runs')).status).toBe(403);
  });
});
