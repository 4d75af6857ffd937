import { beforeAll, describe, expect, it } from 'vitest';
import type { SchoolSettings } from '../../lambdas/api/structure/structure.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-structure');
let cedar: SchoolFixture;
let admin: SchoolUser;
let teacher: SchoolUser;

beforeAll(async () => {
  cedar = await schoolFixture(platform(), 'cedar');
  [admin, teacher] = await Promise.all([cedar.user('school-admin'), cedar.user('teacher')]);
});

type Page<T> = { items: T[]; nextCursor: string | null };
type Row = { id: string } & Record<string, unknown>;

describe('school structure API: calendar, grades, subjects, classes, assignments and settings', () => {
  it('builds a year with terms, grades, subjects and a class, each change audited', async () => {
    const year = await admin.call<Row>('POST', '/api/v1/academic-years', {
      name: '2026-27',
      startsOn: '2026-09-01',
      endsOn: '2027-07-15',
    });
    expect(year.status).toBe(201);
    expect(year.body).toMatchObject({ name: '2026-27', startsOn: '2026-09-01', endsOn: '2027-07-15' });
    for (const [name, startsOn, endsOn] of [
      ['Term 2', '2027-01-05', '2027-03-31'],
      ['Term 1', '2026-09-01', '2026-12-18'],
    ]) {
      const created = await admin.call('POST', '/api/v1/terms', {
        academicYearId: year.body.id,
        name,
        startsOn,
        endsOn,
      });
      expect(created.status).toBe(201);
    }
    const terms = await teacher.call<Page<Row>>('GET', `/api/v1/terms?academicYearId=${year.body.id}`);
    expect(terms.body.items.map((t) => t.name)).toEqual(['Term 1', 'Term 2']);

    const grade = await admin.call<Row>('POST', '/api/v1/grade-levels', { name: 'Grade 9', ordinal: 9 });
    const maths = await admin.call<Row>('POST', '/api/v1/subjects', { code: 'MATH', name: 'Mathematics' });
    const klass = await admin.call<Row>('POST', '/api/v1/classes', {
      academicYearId: year.body.id,
      gradeLevelId: grade.body.id,
      name: '9B',
    });
    expect(klass.status).toBe(201);
    expect(klass.roundTrips).toBe(1);
    const audit = await cedar.db.query<{ entity: string }>("SELECT entity FROM audit_log WHERE action = 'create'");
    expect(audit.map((a) => a.entity).sort()).toEqual(
      ['academic-year', 'class', 'grade-level', 'subject', 'term', 'term'].sort(),
    );

    const renamed = await admin.call<Row>('PATCH', `/api/v1/subjects/${maths.body.id}`, { name: 'Maths' });
    expect(renamed.body).toMatchObject({ code: 'MATH', name: 'Maths' });
    // Referred to by a class: the grade cannot go.
    expect((await admin.call('DELETE', `/api/v1/grade-levels/${grade.body.id}`)).status).toBe(409);
    const spare = await admin.call<Row>('POST', '/api/v1/subjects', { code: 'ART', name: 'Art' });
    expect((await admin.call('DELETE', `/api/v1/subjects/${spare.body.id}`)).status).toBe(204);
    expect((await admin.call('GET', `/api/v1/subjects/${spare.body.id}`)).status).toBe(404);
  });

  it('refuses overlapping names, reversed dates and unknown parents with field errors', async () => {
    const duplicate = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/subjects', {
      code: 'MATH',
      name: 'Again',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.fields).toEqual([{ path: 'body.code', message: 'is already taken' }]);
    const reversed = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/academic-years', {
      name: 'Backwards',
      startsOn: '2027-07-15',
      endsOn: '2026-09-01',
    });
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.fields.map((f) => f.path)).toEqual(['body.endsOn']);
    const orphan = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/terms', {
      academicYearId: '00000000-0000-4000-8000-000000000000',
      name: 'T',
      startsOn: '2026-01-01',
      endsOn: '2026-02-01',
    });
    expect(orphan.status).toBe(400);
    expect(orphan.body.error.fields).toEqual([{ path: 'body.academicYearId', message: 'does not exist' }]);
    expect((await teacher.call('POST', '/api/v1/subjects', { code: 'X', name: 'X' })).status).toBe(403);
  });

  it('pages a list with a cursor', async () => {
    for (let i = 0; i < 5; i++) await admin.call('POST', '/api/v1/subjects', { code: `S${i}`, name: `Subject ${i}` });
    const codes: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Page<Row> } = await teacher.call(
        'GET',
        `/api/v1/subjects?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      codes.push(...page.body.items.map((s) => String(s.code)));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(codes).toEqual(['MATH', 'S0', 'S1', 'S2', 'S3', 'S4']);
  });

  it("sets a class's teaching assignments as a whole, refusing unknown teachers", async () => {
    const [klass] = await cedar.db.query<{ id: string }>("SELECT id FROM classes WHERE name = '9B'");
    const [maths] = await cedar.db.query<{ id: string }>("SELECT id FROM subjects WHERE code = 'MATH'");
    const [staff] = await cedar.db.query<{ id: string }>(
      "INSERT INTO staff (user_sub, email, name, role) VALUES (:sub, 'teacher@cedar.test', 'Teacher', 'teacher') RETURNING id",
      { sub: teacher.userId },
    );
    const path = `/api/v1/classes/${klass!.id}/assignments`;
    const set = await admin.call('PUT', path, { assignments: [{ subjectId: maths!.id, staffId: staff!.id }] });
    expect(set.status).toBe(200);
    expect((await teacher.call<{ assignments: unknown[] }>('GET', path)).body.assignments).toEqual([
      { subjectId: maths!.id, staffId: staff!.id },
    ]);
    const unknown = await admin.call<{ error: { fields: { path: string }[] } }>('PUT', path, {
      assignments: [{ subjectId: maths!.id, staffId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields.map((f) => f.path)).toEqual(['body.assignments.0']);
    // The refused request changed nothing.
    expect((await teacher.call<{ assignments: unknown[] }>('GET', path)).body.assignments).toHaveLength(1);
    expect((await admin.call<{ assignments: unknown[] }>('PUT', path, { assignments: [] })).body.assignments).toEqual(
      [],
    );
  });

  it('writes and reads the school settings, validating zone, currency and scale', async () => {
    expect((await teacher.call('GET', '/api/v1/school/settings')).status).toBe(404);
    const settings: SchoolSettings = {
      ...exampleSettings,
      timezone: 'Africa/Nairobi',
      currency: 'KES',
      gradingScale: [
        { label: 'E', minPercent: 0 },
        { label: 'A', minPercent: 80 },
        { label: 'C', minPercent: 50 },
      ],
    };
    const written = await admin.call<SchoolSettings>('PUT', '/api/v1/school/settings', settings);
    expect(written.status).toBe(200);
    expect(written.body.gradingScale.map((band) => band.label)).toEqual(['A', 'C', 'E']);
    const guardian = await cedar.user('guardian');
    expect((await guardian.call<SchoolSettings>('GET', '/api/v1/school/settings')).body.currency).toBe('KES');
    const bad = await admin.call<{ error: { fields: { path: string }[] } }>('PUT', '/api/v1/school/settings', {
      ...settings,
      timezone: 'Mars/Olympus',
      currency: 'kes',
      gradingScale: [{ label: 'A', minPercent: 80 }],
    });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.error.fields.map((f) => f.path))].sort()).toEqual([
      'body.currency',
      'body.gradingScale',
      'body.timezone',
    ]);
  });
});
