import { describe, expect, it } from 'vitest';
import { type AssumeRole, MissingTenantRoleError, TenantDataClients } from '../../lambdas/shared/tenant-credentials';

describe('tenant Data API clients (STS mocked: it cannot run here)', () => {
  it('assumes the tenant role tagged with the school, once per school until the credentials near expiry', async () => {
    const calls: [string, string][] = [];
    let expiresInMs = 15 * 60_000;
    const assumeRole: AssumeRole = async (roleArn, schoolId) => {
      calls.push([roleArn, schoolId]);
      return {
        accessKeyId: `AK-${schoolId}`,
        secretAccessKey: 's',
        sessionToken: 't',
        expiration: new Date(Date.now() + expiresInMs),
      };
    };
    const clients = new TenantDataClients('arn:aws:iam::123456789012:role/tenant', assumeRole);
    const a1 = await clients.forSchool('school-a');
    const a2 = await clients.forSchool('school-a');
    const b = await clients.forSchool('school-b');
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    expect(await a1.config.credentials()).toMatchObject({ accessKeyId: 'AK-school-a' });
    expect(calls).toEqual([
      ['arn:aws:iam::123456789012:role/tenant', 'school-a'],
      ['arn:aws:iam::123456789012:role/tenant', 'school-b'],
    ]);
    // Credentials within a minute of expiry are renewed before use.
    expiresInMs = 30_000;
    await clients.forSchool('school-c');
    await clients.forSchool('school-c');
    expect(calls.filter(([, school]) => school === 'school-c')).toHaveLength(2);
  });

  it('fails closed where no tenant role is configured, never using the function’s own credentials', async () => {
    const clients = new TenantDataClients(undefined, async () => {
      throw new Error('must not assume a role');
    });
    await expect(clients.forSchool('a')).rejects.toThrow(MissingTenantRoleError);
  });
});
