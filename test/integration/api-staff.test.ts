import { beforeAll, describe, expect, it } from 'vitest';
import type { StaffMember } from '../../lambdas/api/staff/staff.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-staff');
let rowan: SchoolFixture;
let admin: SchoolUser;

beforeAll(async () => {
  rowan = await schoolFixture(platform(), 'rowan');
  admin = await rowan.user('school-admin');
});

describe('staff API through the user-directory port (Cognito admin calls, the local issuer behind them)', () => {
  it('invites a teacher: an account in the school with the role, and a staff record', async () => {
    const invited = await admin.call<StaffMember>('POST', '/api/v1/staff', {
      email: 'New.Teacher@Rowan.test',
      name: 'New Teacher',
      role: 'teacher',
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ email: 'new.teacher@rowan.test', role: 'teacher', status: 'active' });
    const account = platform().issuer.users.findByUsername('new.teacher@rowan.test')!;
    expect(account).toMatchObject({ groups: ['teacher'], schoolId: rowan.school.schoolId, enabled: true });
    expect(invited.body.userId).toBe(account.sub);
    const listed = await admin.call<{ items: StaffMember[] }>('GET', '/api/v1/staff');
    expect(listed.body.items.map((member) => member.email)).toContain('new.teacher@rowan.test');
  });

  it('refuses a second invitation for the same e-mail, and undoes the account when the record cannot be written', async () => {
    const again = await admin.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/staff', {
      email: 'new.teacher@rowan.test',
      name: 'Again',
      role: 'bursar',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual([{ path: 'body.email', message: 'is already used' }]);

    // A staff record with this e-mail already exists, but no account: the account made for it is removed again.
    await rowan.db.execute("INSERT INTO staff (email, name, role) VALUES ('orphan@rowan.test', 'Orphan', 'bursar')");
    const clash = await admin.call('POST', '/api/v1/staff', {
      email: 'orphan@rowan.test',
      name: 'Orphan',
      role: 'bursar',
    });
    expect(clash.status).toBe(409);
    expect(platform().issuer.users.findByUsername('orphan@rowan.test')).toBeUndefined();
  });

  it('changes a role in the records and the directory, and deactivates so the account cannot sign in', async () => {
    const [member] = (await admin.call<{ items: StaffMember[] }>('GET', '/api/v1/staff')).body.items.filter(
      (m) => m.email === 'new.teacher@rowan.test',
    );
    const changed = await admin.call<StaffMember>('PUT', `/api/v1/staff/${member!.id}/role`, { role: 'bursar' });
    expect(changed.body.role).toBe('bursar');
    expect(platform().issuer.users.findByUsername('new.teacher@rowan.test')!.groups).toEqual(['bursar']);

    const deactivated = await admin.call<StaffMember>('POST', `/api/v1/staff/${member!.id}/deactivate`);
    expect(deactivated.body.status).toBe('deactivated');
    expect(platform().issuer.users.findByUsername('new.teacher@rowan.test')!.enabled).toBe(false);
    expect(await platform().issuer.users.authenticate('new.teacher@rowan.test', 'anything')).toBeUndefined();
  });

  it('lets only school admins manage staff, and never with a role outside the school', async () => {
    const teacher = await rowan.user('teacher');
    expect(
      (await teacher.call('POST', '/api/v1/staff', { email: 'x@rowan.test', name: 'X', role: 'teacher' })).status,
    ).toBe(403);
    const operator = await admin.call('POST', '/api/v1/staff', {
      email: 'op@rowan.test',
      name: 'Op',
      role: 'platform-operator',
    });
    expect(operator.status).toBe(400);
    expect(platform().issuer.users.findByUsername('op@rowan.test')).toBeUndefined();
  });
});
