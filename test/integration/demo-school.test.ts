import { describe, expect, it } from 'vitest';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { generateDemoSchool, readUciStudents } from '../../local/demo/demo-data';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { callApi } from '../support/school-fixture';
import { accessTokenFor } from '../support/sign-in';

const uci = readUciStudents();
const term = { name: 'Term 1', startsOn: '2026-09-01', endsOn: '2026-12-18' };
const mean = (values: readonly number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe('the demo school generator', () => {
  it('reads only what a school records about learning and attendance from the UCI file', () => {
    expect(uci).toHaveLength(649);
    expect(Object.keys(uci[0]!).sort()).toEqual(['absences', 'age', 'failures', 'g1', 'g2', 'g3']);
  });

  it('gives the same school for the same seed, and another for another seed', () => {
    expect(generateDemoSchool(uci, term, 7)).toEqual(generateDemoSchool(uci, term, 7));
    expect(generateDemoSchool(uci, term, 8).students[0]).not.toEqual(generateDemoSchool(uci, term, 7).students[0]);
  });

  it('follows the UCI distributions: first-term grades, pass rate and absences', () => {
    const data = generateDemoSchool(uci, term);
    expect(data.students.length).toBeGreaterThanOrEqual(600);
    // Scores centre on each student's UCI first-term grade (subject offsets average +0.25).
    const byStudent = new Map<string, number[]>();
    for (const score of data.scores)
      byStudent.set(score.admissionNo, [...(byStudent.get(score.admissionNo) ?? []), score.score]);
    const averages = [...byStudent.values()].map(mean);
    expect(Math.abs(mean(averages) - mean(uci.map((s) => s.g1)) - 0.25)).toBeLessThan(0.5);
    const passRate = (grades: number[]) => grades.filter((g) => g >= 10).length / grades.length;
    expect(Math.abs(passRate(averages) - passRate(uci.map((s) => s.g1)))).toBeLessThan(0.06);
    // A term's absences are its share (term days of about 180) of the UCI yearly count.
    const share = data.schoolDays.length / 180;
    const termAbsences = data.attendance.map((a) => a.absent.length + a.excused.length);
    expect(Math.abs(mean(termAbsences) - mean(uci.map((s) => s.absences)) * share)).toBeLessThan(0.3);
    // Past failures make students older than their grade.
    const older = data.students.filter((s) => s.profile.failures > 0);
    expect(older.every((s) => Number(s.dateOfBirth.slice(0, 4)) < 2026 - (Number(s.className.slice(0, -1)) + 5))).toBe(
      true,
    );
  });
});

describe('Demo High School on the local platform', () => {
  const platform = useLocalPlatform('demo-school');
  let demo: DemoSchool;

  it('is onboarded through the workflow and filled with its data, once', async () => {
    demo = (await ensureDemoSchool(platform()))!;
    expect(demo.school).toMatchObject({ slug: 'demo-high', name: 'Demo High School', status: 'ACTIVE' });
    expect(
      platform()
        .events.events('SchoolOnboarded')
        .map((e) => (e.detail as { slug: string }).slug),
    ).toEqual(['demo-high']);
    const { counts } = demo;
    expect(counts.students).toBeGreaterThanOrEqual(600);
    expect(counts.staff).toBe(30);
    expect(counts.classes).toBe(24);
    expect(counts.guardians).toBeGreaterThan(counts.students!);
    expect(counts.attendance! / counts.students!).toBeGreaterThanOrEqual(60);
    expect(counts.scores).toBe(counts.students! * 8 * 2);
    expect(counts.invoices).toBe(counts.students! * 2);
    expect(counts.payments).toBeGreaterThan(counts.invoices! * 0.7);
    expect(await ensureDemoSchool(platform())).toBeUndefined();
  });

  it('signs in each role, and each sees its part of the school', async () => {
    const tokens = Object.fromEntries(
      await Promise.all(
        demo.signIns.map(async (s) => [s.role, await accessTokenFor(platform().url, s.email, s.password)] as const),
      ),
    );
    expect(Object.keys(tokens).sort()).toEqual(['bursar', 'guardian', 'school-admin', 'teacher']);
    const call = <T>(role: string, path: string) => callApi<T>(platform().url, tokens[role], 'GET', path);

    const students = await call<{ items: unknown[] }>('school-admin', '/api/v1/students?limit=50');
    expect(students.status).toBe(200);
    expect(students.body.items).toHaveLength(50);

    const group = platform().shardGroups.find((g) => g.id === demo.school.shardGroupId)!;
    const db = schoolSession(demo.school, group.resourceArn);
    const [homeroom] = await db.query<{ id: string; day: string }>(
      `SELECT c.id, (SELECT min(on_date)::text FROM attendance) AS day
         FROM classes c JOIN staff s ON s.id = c.homeroom_teacher_id WHERE s.user_sub IS NOT NULL AND s.role = 'teacher'`,
    );
    const register = await call<{ marks: unknown[] }>(
      'teacher',
      `/api/v1/classes/${homeroom!.id}/attendance/${homeroom!.day}`,
    );
    expect(register.status).toBe(200);
    expect(JSON.stringify(register.body)).toContain('present');

    const overdue = await call<{ items: unknown[] }>('bursar', '/api/v1/fees/overdue?asOf=2027-01-31');
    expect(overdue.status).toBe(200);
    expect(overdue.body.items.length).toBeGreaterThan(0);

    const children = await call<{ items: unknown[] } | unknown[]>('guardian', '/api/v1/portal/children');
    expect(children.status).toBe(200);
    const [{ n }] = (await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM student_guardians sg JOIN guardians g ON g.id = sg.guardian_id WHERE g.user_sub IS NOT NULL`,
    )) as [{ n: number }];
    const list = Array.isArray(children.body) ? children.body : children.body.items;
    expect(list).toHaveLength(n);
  });
});
