import { beforeAll, describe, expect, it } from 'vitest';
import type { StudentProfile } from '../../lambdas/api/students/student.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-people');
let ash: SchoolFixture;
let admin: SchoolUser;
let parent: SchoolUser;
let students: { mine: string; other: string };

beforeAll(async () => {
  ash = await schoolFixture(platform(), 'ash');
  [admin, parent] = await Promise.all([ash.user('school-admin'), ash.user('guardian')]);
  const created = await Promise.all(
    ['G-1', 'G-2'].map((admissionNo) =>
      admin.call<{ id: string }>('POST', '/api/v1/students', {
        admissionNo,
        givenName: 'Kid',
        familyName: admissionNo,
      }),
    ),
  );
  students = { mine: created[0]!.body.id, other: created[1]!.body.id };
});

describe('guardians, the guardian portal, the audit log and the platform directory', () => {
  it('links a guardian to a student, and the guardian then sees that child only', async () => {
    const guardian = await admin.call<{ id: string }>('POST', '/api/v1/guardians', {
      name: 'Pat Parent',
      email: 'pat@family.test',
      phone: '+351 912 345 678',
    });
    expect(guardian.status).toBe(201);
    // Kept as text messages need it (E.164).
    const [stored] = await ash.db.query<{ phone: string }>('SELECT phone FROM guardians WHERE id = :id::uuid', {
      id: guardian.body.id,
    });
    expect(stored!.phone).toBe('+351912345678');
    // A number a text cannot reach is refused at entry, field by field, and nothing is written.
    for (const phone of ['912 345 678', '+0 912 345 678', '+351 9123 4567 8901 234']) {
      const refused = await admin.call<{ error: { fields: { path: string; message: string }[] } }>(
        'POST',
        '/api/v1/guardians',
        { name: 'Nine Digits', phone },
      );
      expect(refused.status, phone).toBe(400);
      expect(refused.body.error.fields, phone).toEqual([
        { path: 'body.phone', message: 'is not an international phone number such as +351 912 345 678' },
      ]);
    }
    const patched = await admin.call('PATCH', `/api/v1/guardians/${guardian.body.id}`, { phone: 'call me' });
    expect(patched.status).toBe(400);
    const [written] = await ash.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM guardians WHERE name = 'Nine Digits'`,
    );
    expect(written!.n).toBe(0);
    // The guardian's sign-in is tied to their record when they accept the school's invitation.
    await ash.db.execute('UPDATE guardians SET user_sub = :sub WHERE id = :id::uuid', {
      sub: parent.userId,
      id: guardian.body.id,
    });
    const linked = await admin.call('PUT', `/api/v1/students/${students.mine}/guardians/${guardian.body.id}`, {
      relationship: 'father',
    });
    expect(linked.status).toBe(200);

    const children = await parent.call<{ items: { studentId: string; relationship: string }[] }>(
      'GET',
      '/api/v1/portal/children',
    );
    expect(children.body.items).toEqual([
      expect.objectContaining({ studentId: students.mine, relationship: 'father' }),
    ]);
    const child = await parent.call<StudentProfile>('GET', `/api/v1/portal/children/${students.mine}`);
    expect(child.status).toBe(200);
    expect(child.roundTrips).toBe(2);
    expect(child.body.guardians.map((g) => g.name)).toEqual(['Pat Parent']);
    const fees = await parent.call<{ invoices: unknown[]; payments: unknown[] }>(
      'GET',
      `/api/v1/portal/children/${students.mine}/fees`,
    );
    expect(fees.body).toEqual({ invoices: [], payments: [] });
  });

  it('answers a guardian asking for an unlinked student as if it did not exist, and keeps them off staff routes', async () => {
    expect((await parent.call('GET', `/api/v1/portal/children/${students.other}`)).status).toBe(404);
    expect((await parent.call('GET', `/api/v1/portal/children/${students.other}/fees`)).status).toBe(404);
    expect((await parent.call('GET', `/api/v1/students/${students.other}`)).status).toBe(403);
    expect((await parent.call('GET', '/api/v1/students')).status).toBe(403);
    expect((await parent.call('GET', '/api/v1/audit')).status).toBe(403);
  });

  it('unlinks, after which the child is gone from the portal', async () => {
    const [guardian] = await ash.db.query<{ id: string }>("SELECT id FROM guardians WHERE name = 'Pat Parent'");
    expect((await admin.call('DELETE', `/api/v1/students/${students.mine}/guardians/${guardian!.id}`)).status).toBe(
      204,
    );
    expect((await parent.call<{ items: unknown[] }>('GET', '/api/v1/portal/children')).body.items).toEqual([]);
    expect((await admin.call('DELETE', `/api/v1/students/${students.mine}/guardians/${guardian!.id}`)).status).toBe(
      404,
    );
  });

  it('shows school admins the audit log, newest first, filtered and paged', async () => {
    const all = await admin.call<{
      items: { id: number; action: string; entity: string }[];
      nextBefore: number | null;
    }>('GET', '/api/v1/audit?limit=2');
    expect(all.status).toBe(200);
    expect(all.body.items.map((e) => e.action)).toEqual(['unlink', 'link']);
    const older = await admin.call<{ items: { id: number }[] }>(
      'GET',
      `/api/v1/audit?limit=50&before=${all.body.nextBefore}`,
    );
    expect(older.body.items.every((e) => e.id < all.body.nextBefore!)).toBe(true);
    const studentsOnly = await admin.call<{ items: { entity: string }[] }>('GET', '/api/v1/audit?entity=student');
    expect(studentsOnly.body.items.map((e) => e.entity)).toEqual(['student', 'student']);
    expect((await admin.call('GET', `/api/v1/audit?entityId=${students.mine}`)).status).toBe(400);
  });

  it("lists schools to platform operators from the directory, without any school's data or secrets", async () => {
    const operator = await ash.user('platform-operator');
    const listed = await operator.call<{ items: Record<string, unknown>[] }>(
      'GET',
      '/api/v1/platform/schools?status=ACTIVE',
    );
    expect(listed.status).toBe(200);
    const mine = listed.body.items.find((school) => school.slug === 'ash');
    expect(mine).toMatchObject({ status: 'ACTIVE', shardGroupId: 'sg1' });
    expect(mine).not.toHaveProperty('secretArn');
    expect((await operator.call('GET', '/api/v1/students')).status).toBe(403);
    expect((await admin.call('GET', '/api/v1/platform/schools')).status).toBe(403);
  });

  it('invites a guardian to the portal once: an account with the guardian role, tied to their record', async () => {
    const created = await admin.call<{ id: string }>('POST', '/api/v1/guardians', {
      name: 'Robin Carer',
      email: 'Robin@Family.test',
    });
    const invited = await admin.call<{ userId: string; email: string }>(
      'POST',
      `/api/v1/guardians/${created.body.id}/invite`,
    );
    expect(invited.status).toBe(200);
    const account = platform().issuer.users.findByUsername('robin@family.test')!;
    expect(account).toMatchObject({ groups: ['guardian'], schoolId: ash.school.schoolId });
    expect(invited.body.userId).toBe(account.sub);
    const [record] = await ash.db.query<{ user_sub: string }>('SELECT user_sub FROM guardians WHERE id = :id::uuid', {
      id: created.body.id,
    });
    expect(record!.user_sub).toBe(account.sub);
    expect((await admin.call('POST', `/api/v1/guardians/${created.body.id}/invite`)).status).toBe(409);

    const noEmail = await admin.call<{ id: string }>('POST', '/api/v1/guardians', { name: 'No Mail' });
    expect((await admin.call('POST', `/api/v1/guardians/${noEmail.body.id}/invite`)).status).toBe(400);
  });
});
