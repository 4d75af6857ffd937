import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

import { schoolIdTag, tenantRoleVariable } from './platform-variables';

export { schoolIdTag, tenantRoleVariable };

/** Port to STS, so the credential cache can be tested where STS cannot run. */
export type AssumeRole = (
  roleArn: string,
  schoolId: string,
) => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }>;

const assumeWithSts: AssumeRole = async (roleArn, schoolId) => {
  const out = await new STSClient({}).send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: `school-${schoolId}`.slice(0, 64),
      Tags: [{ Key: schoolIdTag, Value: schoolId }],
      DurationSeconds: 900,
    }),
  );
  const credentials = out.Credentials!;
  return {
    accessKeyId: credentials.AccessKeyId!,
    secretAccessKey: credentials.SecretAccessKey!,
    sessionToken: credentials.SessionToken!,
    expiration: credentials.Expiration!,
  };
};

/** Renew a minute before expiry, so no call starts with credentials about to lapse. */
const renewBeforeMs = 60_000;

export class MissingTenantRoleError extends Error {
  override readonly name = 'MissingTenantRoleError';
}

/**
 * Data API clients per school, each signing with credentials from assuming the tenant role
 * tagged with the school's id, so IAM lets it read that school's secret only (on AWS and on
 * the local platform, whose STS and IAM apply the same policies). A function without the
 * tenant role configured fails closed: it never falls back to its own credentials.
 */
export class TenantDataClients {
  private readonly clients = new Map<string, { client: RDSDataClient; expiresAt: number }>();

  constructor(
    private readonly roleArn: string | undefined = process.env[tenantRoleVariable],
    private readonly assumeRole: AssumeRole = assumeWithSts,
  ) {}

  async forSchool(schoolId: string): Promise<RDSDataClient> {
    if (!this.roleArn) {
      throw new MissingTenantRoleError(
        `${tenantRoleVariable} is not set: a school's data is reached only through the tenant role, never with the function's own credentials.`,
      );
    }
    const cached = this.clients.get(schoolId);
    if (cached && cached.expiresAt - renewBeforeMs > Date.now()) return cached.client;
    const credentials = await this.assumeRole(this.roleArn, schoolId);
    cached?.client.destroy();
    const client = new RDSDataClient({ credentials });
    this.clients.set(schoolId, { client, expiresAt: credentials.expiration.getTime() });
    return client;
  }
}
