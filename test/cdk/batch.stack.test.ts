import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { exportsQueue, platformQueues } from '../../lambdas/shared/queues';
import { resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('batch stack (%s)', (stage) => {
  const stack = `campus-${stage}-batch`;
  const t = template(stack);

  it('makes each platform queue with its dead-letter queue: SSE, TLS only, named by the stage', () => {
    for (const definition of platformQueues) {
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `campus-${stage}-${definition.logicalName}`,
        SqsManagedSseEnabled: true,
        VisibilityTimeout: definition.visibilityTimeoutSeconds,
        RedrivePolicy: { maxReceiveCount: definition.maxReceiveCount, deadLetterTargetArn: Match.anyValue() },
      });
      t.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: `campus-${stage}-${definition.logicalName}-dlq`,
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
    }
    const policies = resourcesOf(stack, 'AWS::SQS::QueuePolicy');
    expect(policies).toHaveLength(2 * platformQueues.length);
    for (const [, policy] of policies) {
      expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
    }
  });

  it('runs each queue into its worker, which reports failures per message and outlives no visibility timeout', () => {
    for (const definition of platformQueues) {
      t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: definition.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      expect(definition.handlerTimeoutSeconds).toBeLessThan(definition.visibilityTimeoutSeconds);
    }
    t.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: exportsQueue.handlerTimeoutSeconds,
      Environment: {
        Variables: Match.objectLike({
          CAMPUS_EXPORTS_BUCKET: Match.anyValue(),
          CAMPUS_TENANT_ROLE_ARN: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'campus-batch',
        }),
      },
    });
  });

  it('lets the exports worker put school objects only, through the data stack’s policy', () => {
    const workerRoles = resourcesOf(stack, 'AWS::IAM::Role').filter(([id]) => id.includes('exports'));
    expect(workerRoles).toHaveLength(1);
    const managed = JSON.stringify(workerRoles[0]![1].Properties?.ManagedPolicyArns);
    expect(managed).toMatch(/ExportsWrite/);
    const data = resourcesOf(`campus-${stage}-data`, 'AWS::IAM::ManagedPolicy').find(([id]) =>
      id.startsWith('ExportsWrite'),
    );
    expect(data![1].Properties?.PolicyDocument.Statement).toEqual([
      {
        Action: 's3:PutObject',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Exports/), 'Arn'] }, '/schools/*']] },
      },
    ]);
  });
});
