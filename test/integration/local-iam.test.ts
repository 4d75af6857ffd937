import { GetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { shardGroupClustersVariable, tenantRoleVariable } from '../../lambdas/shared/platform-variables';
import { schoolIdTag } from '../../lambdas/shared/platform-variables';
import { handlerEntryMetadataKey } from '../../lib/constructs/school-function';
import type { SynthesizedStack } from '../../local/step-functions/template-values';
import { useLocalPlatform } from '../support/local-platform';
import { type SchoolFixture, schoolFixture } from '../support/school-fixture';

const exportsHandler = 'lambdas/api/exports/exports.handler.ts';

/** The synthesized stacks with one action taken out of the policies of one function's role, as a forgotten grant would leave them. */
function withoutGrant(stacks: SynthesizedStack[], entry: string, action: string): SynthesizedStack[] {
  let removed = 0;
  for (const { template } of stacks) {
    for (const fn of Object.values(template.Resources)) {
      if (fn.Type !== 'AWS::Lambda::Function' || fn.Metadata?.[handlerEntryMetadataKey] !== entry) continue;
      const roleId = (fn.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      for (const policy of Object.values(template.Resources)) {
        const properties = policy.Properties as
          { Roles?: { Ref?: string }[]; PolicyDocument: { Statement: { Action: string | string[] }[] } } | undefined;
        if (policy.Type !== 'AWS::IAM::Policy' || !properties?.Roles?.some((role) => role.Ref === roleId)) continue;
        const statements = properties.PolicyDocument.Statement;
        properties.PolicyDocument.Statement = statements.filter(
          (statement) => ![statement.Action].flat().includes(action),
        );
        removed += statements.length - properties.PolicyDocument.Statement.length;
      }
    }
  }
  if (removed === 0) throw new Error(`No statement of ${entry}'s role allows ${action}.`);
  return stacks;
}

const platform = useLocalPlatform('local-iam', {
  editTemplates: (stacks) => withoutGrant(stacks, exportsHandler, 'sqs:SendMessage'),
});
let first: SchoolFixture;
let second: SchoolFixture;

beforeAll(async () => {
  first = await schoolFixture(platform(), 'iam-first');
  second = await schoolFixture(platform(), 'iam-second');
});

/** A function of the platform by its handler module, with the key it signs with. */
function functionOf(entry: string) {
  const fn = platform().functions.byEntry(entry);
  if (!fn) throw new Error(`No function runs ${entry}.`);
  return { fn, credentials: platform().credentialsOf(fn) };
}

describe('IAM on the local platform: each function limited to its synthesized role', () => {
  it('fails a route whose function lost one grant, as it would on AWS, and nothing is half-done', async () => {
    const admin = await first.user('school-admin');
    const asked = await admin.call<{ error: { code: string } }>('POST', '/api/v1/exports', { kind: 'students' });
    expect(asked.status).toBe(503);
    expect(asked.body.error.code).toBe('UNAVAILABLE');
    // The same function still does what its role allows; the refused request left no export behind.
    const listed = await admin.call<{ items: unknown[] }>('GET', '/api/v1/exports');
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([]);
  });

  it('gives a function’s tenant session its own school’s secret only, and no session without the school tag', async () => {
    const { fn, credentials } = functionOf('lambdas/api/students/students.handler.ts');
    const sts = new STSClient({ credentials });
    const roleArn = fn.environment[tenantRoleVariable]!;
    const session = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'school-first',
        Tags: [{ Key: schoolIdTag, Value: first.school.schoolId }],
      }),
    );
    const asSchool = new RDSDataClient({
      credentials: {
        accessKeyId: session.Credentials!.AccessKeyId!,
        secretAccessKey: session.Credentials!.SecretAccessKey!,
        sessionToken: session.Credentials!.SessionToken!,
      },
    });
    const select = (school: SchoolFixture) =>
      asSchool.send(
        new ExecuteStatementCommand({
          resourceArn: JSON.parse(fn.environment[shardGroupClustersVariable]!)[school.school.shardGroupId],
          secretArn: school.school.secretArn,
          database: school.school.database,
          sql: 'SELECT 1 AS one',
        }),
      );
    expect((await select(first)).records).toHaveLength(1);
    await expect(select(second)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'untagged' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // The health function may not assume the tenant role at all.
    const health = functionOf('lambdas/api/health/get-health.handler.ts');
    await expect(
      new STSClient({ credentials: health.credentials }).send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'school-first',
          Tags: [{ Key: schoolIdTag, Value: first.school.schoolId }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses a request signed with a wrong secret or an unknown key', async () => {
    const { credentials } = functionOf('lambdas/api/students/students.handler.ts');
    const read = (accessKeyId: string, secretAccessKey: string) =>
      new DynamoDBClient({ credentials: { accessKeyId, secretAccessKey } }).send(
        new GetItemCommand({ TableName: 'campus-local-tenant-directory', Key: { pk: { S: 'x' } } }),
      );
    await expect(read(credentials.accessKeyId, 'not-the-secret')).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(read('AKIAUNKNOWN', 'whatever')).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });
});
