import { createECDH, randomBytes } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { isStandardRoute, oneRosterOpenApiDocument, openApiDocument } from '../../lambdas/api/docs/openapi';
import { routeKey, routes } from '../../lambdas/api/routes';
import type { Role } from '../../lambdas/shared/roles';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { answered } from '../support/api-contract';
import { useLocalPlatform } from '../support/local-platform';
import { routeMatcher } from '../../local/gateway/route-matcher';
import { callApi, type CallOptions } from '../support/school-fixture';
import { noQuietHours } from '../support/notification-rules';
import { accessTokenFor, clientCredentialsGrant } from '../support/sign-in';
import { until } from '../support/until';

/**
 * The API's contract held against the API itself: the OpenAPI document it serves is valid and
 * generated from the route declarations, and every route of the manifest, called with real
 * data on the demo school, answers its declared success with a body that matches the document
 * (the test support checks each answer, here and in every other integration test). Every
 * write route, so called, leaves exactly one audit entry, of its request, with its rows.
 */
const platform = useLocalPlatform('api-contract');
let demo: DemoSchool;
const tokens = new Map<Role, string>();

beforeAll(async () => {
  demo = (await ensureDemoSchool(platform()))!;
  for (const account of demo.signIns) {
    tokens.set(account.role, await accessTokenFor(platform().url, account.email, account.password));
  }
  const operator = platform().firstRunSignIn!;
  tokens.set('platform-operator', await accessTokenFor(platform().url, operator.username, operator.password));
});

interface AuditedEntry {
  actor: string;
  requestId: string;
  action: string;
  entity: string;
  before: unknown;
  after: unknown;
}
/** The write routes walked, and what each one's request left in the audit log. */
const audits = new Map<string, AuditedEntry[]>();
const matchRoute = routeMatcher(routes);

/**
 * Calls as a role and expects success; the answer was already held against the document. A
 * write's audit entries are read back by its request id (through the audit route itself).
 */
async function ok<T = Record<string, unknown>>(
  role: Role | 'anyone' | { readonly integrationToken: string },
  method: string,
  path: string,
  body?: unknown,
  options?: CallOptions,
): Promise<T> {
  const token = typeof role === 'object' ? role.integrationToken : role === 'anyone' ? undefined : tokens.get(role);
  const response = await callApi<T>(platform().url, token, method, path, body, options);
  expect(
    response.status,
    `${method} ${path} as ${typeof role === 'object' ? 'an integration' : role}: ${String(JSON.stringify(response.body)).slice(0, 300)}`,
  ).toBeLessThan(300);
  if (method !== 'GET') {
    const { items } = (
      await callApi<{ items: AuditedEntry[] }>(
        platform().url,
        tokens.get('school-admin'),
        'GET',
        `/api/v1/audit?requestId=${encodeURIComponent(response.requestId!)}`,
      )
    ).body;
    // The first call of a route is the one held to account (a later one may undo it).
    const key = routeKey(matchRoute(method, path.split('?')[0]!)!.route);
    if (!audits.has(key)) audits.set(key, items);
  }
  return response.body;
}

const unique = () => randomBytes(3).toString('hex').toUpperCase();

/**
 * Every OneRoster route, as a learning platform with every OneRoster scope calls them: each record's id
 * taken from a list, and a result sent back (a changed score, so its write leaves its audit entry).
 */
async function walkOneRoster(): Promise<void> {
  const scopes = ['roster.readonly', 'gradebook.readonly', 'gradebook.createput'] as const;
  const registered = await ok<{ integration: { clientId: string }; clientSecret: string }>(
    'school-admin',
    'POST',
    '/api/v1/integrations',
    { name: `Learning platform ${unique()}`, scopes, requestsPerMinute: 6000 },
  );
  const grant = await clientCredentialsGrant(platform().url, registered.integration.clientId, registered.clientSecret, [
    ...scopes,
  ]);
  const as = { integrationToken: grant.body.access_token! };
  const rostering = '/ims/oneroster/rostering/v1p2';
  const gradebook = '/ims/oneroster/gradebook/v1p2';
  type Ref = { sourcedId: string };
  const first = async <T extends Ref>(path: string) =>
    Object.values(await ok<Record<string, T[]>>(as, 'GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`))[0]![0]!;
  const lineItem = await first<Ref & { class: Ref }>(`${gradebook}/lineItems`);
  const klass = await ok<{ class: Ref & { course: Ref; school: Ref } }>(
    as,
    'GET',
    `${rostering}/classes/${lineItem.class.sourcedId}`,
  );
  const result = await first<Ref & { score: number; student: Ref }>(
    `${gradebook}/classes/${lineItem.class.sourcedId}/lineItems/${lineItem.sourcedId}/results`,
  );
  const ids: Record<string, string> = {
    academicSessionSourcedId: (await first(`${rostering}/academicSessions`)).sourcedId,
    classSourcedId: lineItem.class.sourcedId,
    courseSourcedId: klass.class.course.sourcedId,
    enrollmentSourcedId: (await first(`${rostering}/enrollments`)).sourcedId,
    gradingPeriodSourcedId: (await first(`${rostering}/gradingPeriods`)).sourcedId,
    orgSourcedId: klass.class.school.sourcedId,
    schoolSourcedId: klass.class.school.sourcedId,
    studentSourcedId: result.student.sourcedId,
    teacherSourcedId: (await first(`${rostering}/teachers`)).sourcedId,
    termSourcedId: (await first(`${rostering}/terms`)).sourcedId,
    userSourcedId: result.student.sourcedId,
    categorySourcedId: (await first(`${gradebook}/categories`)).sourcedId,
    lineItemSourcedId: lineItem.sourcedId,
    resultSourcedId: result.sourcedId,
    scoreScaleSourcedId: (await first(`${gradebook}/scoreScales`)).sourcedId,
  };
  for (const route of routes.filter((r) => r.path.startsWith('/ims/'))) {
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
    const body =
      route.method === 'PUT'
        ? {
            result: {
              lineItem: { sourcedId: lineItem.sourcedId },
              student: { sourcedId: result.student.sourcedId },
              scoreStatus: 'fully graded',
              score: result.score === 0 ? 1 : 0,
            },
          }
        : undefined;
    await ok(as, route.method, path, body);
  }
}
type Page<T = { id: string }> = { items: T[]; nextCursor: string | null };

describe('the API contract', () => {
  it('serves an OpenAPI 3.1 document that validates, generated from the route declarations', async () => {
    const served = await ok<Record<string, unknown>>('anyone', 'GET', '/api/v1/openapi.json');
    const result = await new Validator().validate(served);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // Generated, not written: the same as the declarations give here.
    expect(served).toEqual(openApiDocument('v1'));
    const paths = served.paths as Record<string, Record<string, { operationId: string }>>;
    expect(
      Object.values(paths)
        .flatMap((operations) => Object.values(operations).map((o) => o.operationId))
        .sort(),
    ).toEqual(
      routes
        .filter((route) => !isStandardRoute(route))
        .map((route) => route.operation)
        .sort(),
    );
    // OneRoster's routes have a document of their own, as valid.
    const oneRoster = oneRosterOpenApiDocument();
    expect((await new Validator().validate(oneRoster)).errors ?? []).toEqual([]);
    expect(
      Object.values(oneRoster.paths)
        .flatMap((operations) => Object.values(operations).map((o) => (o as { operationId: string }).operationId))
        .sort(),
    ).toEqual(
      routes
        .filter(isStandardRoute)
        .map((route) => route.operation)
        .sort(),
    );
  });

  it('serves a readable page of the routes', async () => {
    const html = await ok<string>('anyone', 'GET', '/api/v1/docs');
    expect(html).toContain('/api/v1/students/{studentId}/withdraw');
    expect(html).toContain('school-admin');
  });

  it('answers every route of the manifest with its declared success, each answer as the document describes', async () => {
    await ok('anyone', 'GET', '/api/health');
    await ok('anyone', 'GET', '/api/versions');
    await ok('school-admin', 'GET', '/api/v1/me');
    await ok('platform-operator', 'GET', '/api/v1/me');
    await ok('school-admin', 'GET', '/api/v1/dashboard');

    // The school's structure: settings, years, terms, grades, subjects, classes.
    const settings = await ok<{ chronicAbsenceRate: number }>('school-admin', 'GET', '/api/v1/school/settings');
    await ok('school-admin', 'PUT', '/api/v1/school/settings', {
      ...settings,
      chronicAbsenceRate: settings.chronicAbsenceRate === 0.9 ? 0.91 : 0.9,
    });
    const years = await ok<Page<{ id: string; name: string }>>('school-admin', 'GET', '/api/v1/academic-years');
    const yearId = years.items[0]!.id;
    await ok('school-admin', 'GET', `/api/v1/academic-years/${yearId}`);
    await ok('school-admin', 'PATCH', `/api/v1/academic-years/${yearId}`, { name: years.items[0]!.name });
    const spareYear = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/academic-years', {
      name: `Spare ${unique()}`,
      startsOn: '2030-09-01',
      endsOn: '2031-07-15',
    });
    const terms = await ok<Page<{ id: string; name: string }>>(
      'teacher',
      'GET',
      `/api/v1/terms?academicYearId=${yearId}`,
    );
    const termId = terms.items[0]!.id;
    await ok('guardian', 'GET', `/api/v1/terms/${termId}`);
    await ok('school-admin', 'PATCH', `/api/v1/terms/${termId}`, { name: terms.items[0]!.name });
    const spareTerm = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/terms', {
      academicYearId: spareYear.id,
      name: 'Spare term',
      startsOn: '2030-09-01',
      endsOn: '2030-12-15',
    });
    const grades = await ok<Page<{ id: string; name: string }>>('school-admin', 'GET', '/api/v1/grade-levels');
    const gradeLevelId = grades.items[0]!.id;
    await ok('school-admin', 'GET', `/api/v1/grade-levels/${gradeLevelId}`);
    await ok('school-admin', 'PATCH', `/api/v1/grade-levels/${gradeLevelId}`, { name: grades.items[0]!.name });
    const spareGrade = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/grade-levels', {
      name: `Grade ${unique()}`,
      ordinal: 29,
    });
    const subjects = await ok<Page<{ id: string; name: string; code: string }>>(
      'school-admin',
      'GET',
      '/api/v1/subjects',
    );
    const subjectId = subjects.items[0]!.id;
    await ok('school-admin', 'GET', `/api/v1/subjects/${subjectId}`);
    await ok('school-admin', 'PATCH', `/api/v1/subjects/${subjectId}`, { name: subjects.items[0]!.name });
    const spareSubject = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/subjects', {
      code: `X-${unique()}`,
      name: 'Spare subject',
    });
    const classes = await ok<Page<{ id: string; name: string }>>('school-admin', 'GET', '/api/v1/classes');
    const classId = classes.items[0]!.id;
    await ok('school-admin', 'GET', `/api/v1/classes/${classId}`);
    await ok('school-admin', 'PATCH', `/api/v1/classes/${classId}`, { name: classes.items[0]!.name });
    const spareClass = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/classes', {
      academicYearId: spareYear.id,
      gradeLevelId: spareGrade.id,
      name: `Spare ${unique()}`,
    });
    const mine = await ok<{ items: { id: string; homeroom: boolean }[] }>('teacher', 'GET', '/api/v1/me/classes');
    const homeroom = mine.items.find((item) => item.homeroom)!.id;

    // Staff and teaching.
    const staff = await ok<Page<{ id: string; role: string; status: string }>>('school-admin', 'GET', '/api/v1/staff');
    const aTeacher = staff.items.find((member) => member.role === 'teacher' && member.status === 'active')!;
    await ok('school-admin', 'GET', `/api/v1/classes/${classId}/assignments`);
    await ok('school-admin', 'PUT', `/api/v1/classes/${spareClass.id}/assignments`, {
      assignments: [{ subjectId: spareSubject.id, staffId: aTeacher.id }],
    });
    const invited = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/staff', {
      email: `contract.${unique().toLowerCase()}@demo-high.example`,
      name: 'Contract Teacher',
      role: 'teacher',
    });
    await ok('school-admin', 'PUT', `/api/v1/staff/${invited.id}/role`, { role: 'bursar' });
    await ok('school-admin', 'POST', `/api/v1/staff/${invited.id}/deactivate`);

    // Students and guardians.
    const students = await ok<Page<{ id: string; admissionNo: string }>>(
      'teacher',
      'GET',
      `/api/v1/students?classId=${homeroom}`,
    );
    const studentId = students.items[0]!.id;
    await ok('bursar', 'GET', '/api/v1/students?q=a&sort=admissionNo');
    await ok('teacher', 'GET', `/api/v1/students/${studentId}`);
    const enrolled = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/students', {
      admissionNo: `C-${unique()}`,
      givenName: 'Contract',
      familyName: 'Student',
      classId: spareClass.id,
    });
    await ok('school-admin', 'PATCH', `/api/v1/students/${enrolled.id}`, { givenName: 'Contracted' });
    const guardians = await ok<Page>('school-admin', 'GET', '/api/v1/guardians');
    await ok('school-admin', 'GET', `/api/v1/guardians/${guardians.items[0]!.id}`);
    const guardian = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/guardians', {
      name: 'Contract Guardian',
      email: `guardian.${unique().toLowerCase()}@demo-high.example`,
    });
    await ok('school-admin', 'PATCH', `/api/v1/guardians/${guardian.id}`, { phone: '+351 210 000 000' });
    await ok('school-admin', 'PUT', `/api/v1/students/${enrolled.id}/guardians/${guardian.id}`, {
      relationship: 'mother',
    });
    await ok('school-admin', 'POST', `/api/v1/guardians/${guardian.id}/invite`);
    await ok('school-admin', 'DELETE', `/api/v1/students/${enrolled.id}/guardians/${guardian.id}`);

    // Attendance, on a day the demo school has no marks for.
    const day = '2027-01-04';
    const register = await ok<{ students: { studentId: string }[] }>(
      'teacher',
      'GET',
      `/api/v1/classes/${homeroom}/attendance/${day}`,
    );
    await ok('teacher', 'PUT', `/api/v1/classes/${homeroom}/attendance/${day}`, {
      marks: register.students.map((student) => ({ studentId: student.studentId, status: 'present' })),
    });
    await ok('teacher', 'GET', `/api/v1/students/${studentId}/attendance?from=2026-09-01&to=2026-12-31`);
    await ok('school-admin', 'GET', `/api/v1/attendance/daily?date=${day}`);
    await ok('teacher', 'GET', '/api/v1/attendance/chronic-absence?from=2026-09-01&to=2026-12-31');

    // Assessments and grades.
    const assessments = await ok<Page<{ id: string; classId: string; subjectId: string }>>(
      'teacher',
      'GET',
      `/api/v1/assessments?classId=${homeroom}&termId=${termId}`,
    );
    const assessment = assessments.items[0]!;
    const grid = await ok<{ students: { studentId: string; score: number | null }[] }>(
      'teacher',
      'GET',
      `/api/v1/assessments/${assessment.id}/scores`,
    );
    const first = grid.students[0]!;
    await ok('school-admin', 'PUT', `/api/v1/assessments/${assessment.id}/scores`, {
      scores: [{ studentId: first.studentId, score: first.score === 1.25 ? 1.5 : 1.25 }],
    });
    await ok('school-admin', 'POST', '/api/v1/assessments', {
      classId: assessment.classId,
      subjectId: assessment.subjectId,
      termId,
      name: `Quiz ${unique()}`,
      maxScore: 20,
    });
    await ok('teacher', 'GET', `/api/v1/classes/${homeroom}/grades?termId=${termId}`);
    await ok('bursar', 'GET', `/api/v1/students/${studentId}/report-card?termId=${termId}`);

    // Fees.
    const structures = await ok<Page>('bursar', 'GET', '/api/v1/fee-structures');
    await ok('school-admin', 'GET', `/api/v1/fee-structures/${structures.items[0]!.id}`);
    const spareFee = await ok<{ id: string }>('bursar', 'POST', '/api/v1/fee-structures', {
      termId,
      gradeLevelId: spareGrade.id,
      category: 'trips',
      name: 'Contract trip',
      amountMinor: 1500,
      dueOn: '2026-10-01',
    });
    await ok('bursar', 'PATCH', `/api/v1/fee-structures/${spareFee.id}`, { amountMinor: 1600 });
    // A new fee of a grade the demo school has students in, invoiced to them.
    const visit = await ok<{ id: string }>('bursar', 'POST', '/api/v1/fee-structures', {
      termId,
      gradeLevelId,
      category: 'trips',
      name: `Contract visit ${unique()}`,
      amountMinor: 900,
      dueOn: '2026-10-01',
    });
    await ok('bursar', 'POST', `/api/v1/fee-structures/${visit.id}/invoices`, {});
    const receipt = await ok<{ paymentId: string }>('bursar', 'POST', '/api/v1/payments', {
      clientKey: `contract-${unique()}`,
      studentId,
      amountMinor: 100,
      method: 'cash',
      paidOn: '2026-10-02',
    });
    await ok('school-admin', 'GET', `/api/v1/payments/${receipt.paymentId}/receipt`);
    await ok('bursar', 'GET', '/api/v1/fees/balances?owingOnly=true');
    await ok('bursar', 'GET', '/api/v1/fees/overdue?asOf=2026-12-31');

    // CSV imports, committed.
    const csv = { contentType: 'text/csv' };
    const known = students.items[0]!.admissionNo;
    await ok(
      'school-admin',
      'POST',
      '/api/v1/imports/students?mode=commit',
      `admission_no,given_name,family_name\nZ-${unique()},Zed,Zee`,
      csv,
    );
    await ok(
      'school-admin',
      'POST',
      '/api/v1/imports/attendance?mode=commit',
      `admission_no,date,status\n${known},2027-01-05,late`,
      csv,
    );
    await ok(
      'school-admin',
      'POST',
      '/api/v1/imports/scores?mode=commit',
      `admission_no,year,term,subject,assessment,max_score,score\n${known},${years.items[0]!.name},${terms.items[0]!.name},${subjects.items[0]!.code},Imported ${unique()},20,10`,
      csv,
    );

    // Exports and reports.
    const exported = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/exports', { kind: 'students' });
    await ok('school-admin', 'GET', '/api/v1/exports');
    await ok('school-admin', 'GET', `/api/v1/exports/${exported.id}`);
    const report = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/reports', { kind: 'school-analytics' });
    await ok('school-admin', 'GET', '/api/v1/reports');
    await ok('school-admin', 'GET', `/api/v1/reports/${report.id}`);

    // Analytics.
    await ok('teacher', 'GET', '/api/v1/analytics/overview');
    const atRisk = await ok<{ items: { studentId: string }[] }>(
      'school-admin',
      'GET',
      '/api/v1/analytics/at-risk?minRisk=0',
    );
    await ok('school-admin', 'GET', `/api/v1/analytics/students/${atRisk.items[0]!.studentId}`);
    const analyticsSettings = await ok<{ atRiskThreshold: number }>(
      'school-admin',
      'GET',
      '/api/v1/analytics/settings',
    );
    await ok('school-admin', 'PUT', '/api/v1/analytics/settings', {
      ...analyticsSettings,
      atRiskThreshold: analyticsSettings.atRiskThreshold === 0.5 ? 0.55 : 0.5,
    });
    const run = await ok<{ runId: string }>('school-admin', 'POST', '/api/v1/analytics/runs');
    await ok('school-admin', 'GET', '/api/v1/analytics/runs');
    await expect
      .poll(
        async () =>
          (await callApi(platform().url, tokens.get('school-admin'), 'GET', `/api/v1/analytics/runs/${run.runId}`))
            .status,
        { timeout: 60_000, interval: 250 },
      )
      .toBe(200);
    await ok('school-admin', 'GET', '/api/v1/audit?entity=student');

    // The guardian portal.
    const children = await ok<{ items: { studentId: string }[] }>('guardian', 'GET', '/api/v1/portal/children');
    const child = children.items[0]!.studentId;
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}`);
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/fees`);
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/report-card?termId=${termId}`);
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/attendance?from=2026-09-01&to=2026-12-31`);
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/analytics`);

    // Consents: the guardian's own in the portal, the school's record of one it received, the admin's list.
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/consents`);
    await ok('guardian', 'PUT', `/api/v1/portal/children/${child}/consents/integrations`, { status: 'given' });
    await ok('school-admin', 'GET', `/api/v1/students/${child}/consents`);
    await ok('school-admin', 'PUT', `/api/v1/students/${child}/consents/messages`, {
      status: 'given',
      method: 'paper',
    });
    await ok('school-admin', 'GET', '/api/v1/privacy/consents?purpose=messages&status=given');
    await ok('school-admin', 'GET', `/api/v1/students/${child}/access-log`);
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/access-log?limit=5`);

    // Privacy requests: the child's data asked for by the admin and in the portal, written in the background, each
    // downloaded once by whoever asked.
    const byAdmin = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/privacy/requests', {
      kind: 'export',
      studentId: child,
      clientKey: `contract-${unique()}`,
    });
    const byFamily = await ok<{ id: string }>('guardian', 'POST', `/api/v1/portal/children/${child}/privacy-requests`, {
      kind: 'export',
      clientKey: `contract-${unique()}`,
    });
    await ok('school-admin', 'GET', '/api/v1/privacy/requests?status=open');
    await ok('guardian', 'GET', `/api/v1/portal/children/${child}/privacy-requests`);
    for (const id of [byAdmin.id, byFamily.id]) {
      await expect
        .poll(
          async () => (await ok<{ status: string }>('school-admin', 'GET', `/api/v1/privacy/requests/${id}`)).status,
          {
            timeout: 60_000,
            interval: 250,
          },
        )
        .toBe('ready');
    }
    await ok('school-admin', 'POST', `/api/v1/privacy/requests/${byAdmin.id}/download`);
    await ok('school-admin', 'GET', '/api/v1/privacy/retention');
    await ok('school-admin', 'PUT', '/api/v1/privacy/retention', { notifications: 2, grades: null });
    await ok('guardian', 'POST', `/api/v1/portal/children/${child}/privacy-requests/${byFamily.id}/download`);

    // Notifications: the child marked absent today, told at once (the guardian in the app, and the admin that the
    // SMS budget, 0 by default, stops the text); the inboxes and choices, the admin's rules and delivery reports.
    const rules = await ok<Record<string, unknown>>('school-admin', 'GET', '/api/v1/notifications/settings');
    const { smsSentThisMonth: _counted, ...writable } = rules;
    // No quiet hours: the announcement below is sent at once, at any time of day.
    await ok('school-admin', 'PUT', '/api/v1/notifications/settings', {
      ...writable,
      absenceGraceMinutes: 0,
      ...noQuietHours,
    });
    const { classId: childClass } = await ok<{ classId: string }>(
      'guardian',
      'GET',
      `/api/v1/portal/children/${child}`,
    );
    const { timezone } = await ok<{ timezone: string }>('school-admin', 'GET', '/api/v1/school/settings');
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone }).format(new Date());
    await ok('school-admin', 'PUT', `/api/v1/classes/${childClass}/attendance/${today}`, {
      marks: [{ studentId: child, status: 'absent' }],
    });
    const inboxOf = async (role: Role) => {
      for (let i = 0; i < 200; i++) {
        const page = await ok<{ items: { id: string }[] }>(role, 'GET', '/api/v1/notifications?unread=true');
        if (page.items.length) return page.items;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`Nothing reached the inbox of the ${role}.`);
    };
    const [alert] = await inboxOf('guardian');
    await inboxOf('school-admin');
    await ok('guardian', 'POST', `/api/v1/notifications/${alert!.id}/read`);
    await ok('school-admin', 'POST', '/api/v1/notifications/read-all');
    await ok('guardian', 'GET', '/api/v1/notifications/preferences');
    await ok('guardian', 'PUT', '/api/v1/notifications/preferences', {
      locale: 'en',
      channels: { absence: ['email'] },
    });
    const announcement = {
      audience: { scope: 'class-guardians', classId: childClass },
      title: 'Reunião de pais',
      body: 'Quinta-feira às 18h, na sala 4.',
    };
    await ok('school-admin', 'POST', '/api/v1/notifications/announcements/preview', announcement);
    await ok('school-admin', 'POST', '/api/v1/notifications/announcements', {
      ...announcement,
      clientKey: `contract-${unique()}`,
    });
    // Its e-mails carry the one-click unsubscribe link, which a guardian's mail client follows with no session.
    const unsubscribeLink = await until<string>(
      async () =>
        platform()
          .messaging.mailbox.list()
          .flatMap((m) => (m.kind === 'email' && m.subject === announcement.title ? [m.headers] : []))
          .map((headers) => /^<([^>]+)>$/.exec(headers['List-Unsubscribe'] ?? '')?.[1])
          .find(Boolean),
      'an announcement e-mail with its unsubscribe link',
    );
    const unsubscribePath = new URL(unsubscribeLink).pathname;
    await ok('anyone', 'GET', unsubscribePath);
    await ok('anyone', 'POST', unsubscribePath);
    // Browser notifications: the guardian's browser (its keys made here, as a browser makes them) is allowed, then stopped.
    const browserKey = createECDH('prime256v1');
    browserKey.generateKeys();
    await ok('guardian', 'GET', '/api/v1/notifications/push');
    const device = await ok<{ id: string }>('guardian', 'POST', '/api/v1/notifications/push/devices', {
      endpoint: `${platform().url}/local/push/${randomBytes(12).toString('base64url')}`,
      keys: { p256dh: browserKey.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
    });
    await ok('guardian', 'DELETE', `/api/v1/notifications/push/devices/${device.id}`);
    // An invitation's link, followed by the invited person, who has no session yet.
    const inviteeEmail = `invitee.${unique().toLowerCase()}@demo-high.example`;
    await ok('school-admin', 'POST', '/api/v1/staff', {
      email: inviteeEmail,
      name: 'Invited Teacher',
      role: 'teacher',
    });
    const invitationLink = new URL(
      await until<string>(
        async () =>
          platform()
            .messaging.mailbox.list(inviteeEmail)
            .flatMap((m) => (m.kind === 'email' ? [/(http\S+\/api\/invitations\/\S+)/.exec(m.text ?? '')?.[1]] : []))
            .find(Boolean),
        'the invitation e-mail',
      ),
    );
    await ok('anyone', 'GET', `${invitationLink.pathname}${invitationLink.search}`);
    await ok(
      'anyone',
      'POST',
      invitationLink.pathname,
      new URLSearchParams({
        token: invitationLink.searchParams.get('token')!,
        password: 'Contract-Pass-2026!',
        confirm: 'Contract-Pass-2026!',
      }).toString(),
      { contentType: 'application/x-www-form-urlencoded' },
    );
    const wording = {
      subject: 'Falta: {{studentName}}',
      body: '{{studentName}} faltou.',
      short: '{{studentName}} faltou.',
    };
    await ok('guardian', 'POST', '/api/v1/notifications/live-tickets');
    await ok('school-admin', 'GET', '/api/v1/notifications/templates');
    await ok('school-admin', 'POST', '/api/v1/notifications/templates/absence-alert/pt/preview', wording);
    await ok('school-admin', 'PUT', '/api/v1/notifications/templates/absence-alert/pt', wording);
    await ok('school-admin', 'DELETE', '/api/v1/notifications/templates/absence-alert/pt');
    const sent = await ok<{ items: { id: string }[] }>(
      'school-admin',
      'GET',
      `/api/v1/notifications/requests?studentId=${child}`,
    );
    await ok('school-admin', 'GET', `/api/v1/notifications/requests/${sent.items[0]!.id}`);

    // The platform operator's routes.
    await ok('platform-operator', 'GET', '/api/v1/platform/schools');
    await ok('platform-operator', 'GET', '/api/v1/platform/privacy-requests?days=30');
    const runs = await ok<{ items: { name: string }[] }>(
      'platform-operator',
      'GET',
      '/api/v1/platform/onboarding-runs',
    );
    await ok('platform-operator', 'GET', `/api/v1/platform/onboarding-runs/${runs.items[0]!.name}`);

    // An erasure asked for by mistake is refused; the family's own is approved last of all (it erases the child).
    const mistaken = await ok<{ id: string }>('school-admin', 'POST', '/api/v1/privacy/requests', {
      kind: 'erasure',
      studentId: enrolled.id,
      clientKey: `contract-${unique()}`,
    });
    await ok('school-admin', 'POST', `/api/v1/privacy/requests/${mistaken.id}/refuse`, { reason: 'Asked by mistake.' });

    // An integration: registered, its secret rotated, its client's token used, then revoked.
    const registered = await ok<{ integration: { id: string; clientId: string } }>(
      'school-admin',
      'POST',
      '/api/v1/integrations',
      { name: `Contract ${unique()}`, scopes: ['roster-core.readonly'] },
    );
    await ok('school-admin', 'GET', '/api/v1/integrations?status=active');
    const integrationPath = `/api/v1/integrations/${registered.integration.id}`;
    const rotated = await ok<{ clientSecret: string }>('school-admin', 'POST', `${integrationPath}/rotate-secret`);
    const grant = await clientCredentialsGrant(platform().url, registered.integration.clientId, rotated.clientSecret, [
      'roster-core.readonly',
    ]);
    const asIntegration = await callApi(platform().url, grant.body.access_token, 'GET', '/api/v1/integration');
    expect(asIntegration.status).toBe(200);
    await ok('school-admin', 'GET', integrationPath);
    await ok('school-admin', 'POST', `${integrationPath}/revoke`);
    await walkOneRoster();

    // What is deleted last: the spare records made above, which nothing else refers to.
    await ok('school-admin', 'POST', `/api/v1/students/${enrolled.id}/withdraw`, { on: '2026-10-01', reason: 'moved' });
    await ok('bursar', 'DELETE', `/api/v1/fee-structures/${spareFee.id}`);
    await ok('school-admin', 'DELETE', `/api/v1/guardians/${guardian.id}`);
    await ok('school-admin', 'PUT', `/api/v1/classes/${spareClass.id}/assignments`, { assignments: [] });
    await ok('school-admin', 'DELETE', `/api/v1/classes/${spareClass.id}`);
    await ok('school-admin', 'DELETE', `/api/v1/subjects/${spareSubject.id}`);
    await ok('school-admin', 'DELETE', `/api/v1/grade-levels/${spareGrade.id}`);
    await ok('school-admin', 'DELETE', `/api/v1/terms/${spareTerm.id}`);
    await ok('school-admin', 'DELETE', `/api/v1/academic-years/${spareYear.id}`);
    const erasure = await ok<{ id: string }>('guardian', 'POST', `/api/v1/portal/children/${child}/privacy-requests`, {
      kind: 'erasure',
      clientKey: `contract-${unique()}`,
    });
    await ok('school-admin', 'POST', `/api/v1/privacy/requests/${erasure.id}/approve`);

    const unanswered = routes
      .filter((route) => !answered.get(routeKey(route))?.has(route.response.status))
      .map(routeKey);
    expect(unanswered).toEqual([]);
  });

  it('leaves exactly one audit entry for each write route called, of its request, with the rows it changed', () => {
    const writes = routes.filter((route) => route.method !== 'GET').map(routeKey);
    expect([...audits.keys()].sort()).toEqual(writes.sort());
    const wrong: string[] = [];
    // A read-only POST (a preview) leaves none.
    const readOnly = new Set(routes.filter((route) => route.readOnly).map(routeKey));
    for (const key of readOnly) if (audits.get(key)?.length) wrong.push(`${key}: wrote ${audits.get(key)!.length}`);
    for (const [key, entries] of [...audits].filter(([key]) => !readOnly.has(key))) {
      const [entry] = entries;
      if (entries.length !== 1) {
        wrong.push(`${key}: ${entries.length} entries`);
        continue;
      }
      const method = key.split(' ')[0];
      const shape =
        method === 'DELETE'
          ? entry!.before !== null && entry!.after === null
          : method === 'PATCH'
            ? entry!.before !== null && entry!.after !== null
            : entry!.after !== null;
      if (!shape || !entry!.actor || !entry!.requestId) {
        wrong.push(`${key}: ${JSON.stringify(entry).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("the API's versions, over HTTP", () => {
  const get = (path: string, headers: Record<string, string> = {}, role: Role | 'anyone' = 'school-admin') =>
    fetch(`${platform().url}${path}`, {
      headers: { ...headers, ...(role === 'anyone' ? {} : { authorization: `Bearer ${tokens.get(role)}` }) },
    });

  it('lists the versions with their status, and the unversioned paths with their sunset', async () => {
    const response = await get('/api/versions', {}, 'anyone');
    expect(response.headers.get('api-version')).toBe('v1');
    expect(await response.json()).toEqual({
      current: 'v1',
      versions: [
        {
          version: 'v1',
          status: 'current',
          released: '2026-12-07',
          openapi: '/api/v1/openapi.json',
          docs: '/api/v1/docs',
        },
      ],
      unversioned: { aliasOf: 'v1', status: 'deprecated', deprecated: '2026-12-07', sunset: '2027-08-31' },
    });
  });

  it('serves an unversioned path as its v1 alias, saying so with Deprecation, Sunset and the v1 link', async () => {
    const [alias, versioned] = await Promise.all([get('/api/students?limit=3'), get('/api/v1/students?limit=3')]);
    expect([alias.status, versioned.status]).toEqual([200, 200]);
    expect(await alias.json()).toEqual(await versioned.json());
    expect(alias.headers.get('api-version')).toBe('v1');
    expect(alias.headers.get('deprecation')).toBe(`@${Date.parse('2026-12-07T00:00:00Z') / 1000}`);
    expect(alias.headers.get('sunset')).toBe('Tue, 31 Aug 2027 23:59:59 GMT');
    expect(alias.headers.get('link')).toContain('</api/v1/students?limit=3>; rel="successor-version"');
    expect(versioned.headers.get('api-version')).toBe('v1');
    expect(versioned.headers.get('deprecation')).toBeNull();
    expect(versioned.headers.get('sunset')).toBeNull();
  });

  it('takes writes on the alias too, answered as v1 answers them', async () => {
    const response = await callApi(platform().url, tokens.get('teacher'), 'POST', '/api/notifications/read-all');
    expect(response.status).toBe(200);
    const raw = await fetch(`${platform().url}/api/notifications/read-all`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.get('teacher')}` },
    });
    expect([raw.status, raw.headers.get('deprecation')?.startsWith('@')]).toEqual([200, true]);
  });

  it('ignores an alias header a client sends itself, and names the version on the gateway’s own refusals', async () => {
    const spoofed = await get('/api/v1/me', { 'campus-api-alias': 'unversioned' });
    expect(spoofed.status).toBe(200);
    expect(spoofed.headers.get('deprecation')).toBeNull();
    for (const path of ['/api/v1/students', '/api/students']) {
      const refused = await get(path, {}, 'anyone');
      expect([refused.status, refused.headers.get('api-version')], path).toEqual([401, 'v1']);
    }
  });

  it('keeps the routes outside any version where they are: health, the version list, links sent in e-mails', async () => {
    expect((await get('/api/health', {}, 'anyone')).status).toBe(200);
    expect((await get('/api/v1/health', {}, 'anyone')).status).toBe(404);
    expect((await get('/api/v1/versions', {}, 'anyone')).status).toBe(404);
    // The OpenAPI document's old address answers as the v1 document's alias.
    const document = await get('/api/openapi.json', {}, 'anyone');
    expect(document.headers.get('deprecation')).not.toBeNull();
    expect(((await document.json()) as { info: { version: string } }).info.version).toBe('v1');
  });
});
