import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { bulkDeliveryQueue, exportsQueue, platformQueues } from '../../lambdas/shared/queues';
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
    // Bulk sends are capped, leaving SES's account rate to the urgent queue.
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: bulkDeliveryQueue.maxConcurrency },
    });
    expect(bulkDeliveryQueue.maxConcurrency).toBeGreaterThanOrEqual(2);
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

  it('defines the scoring run: schools in a Distributed Map, each school’s chunks in another, a failed school caught', () => {
    const [, machine] = resourcesOf(stack, 'AWS::StepFunctions::StateMachine').find(([id]) =>
      id.startsWith('ScoringRun'),
    )!;
    expect(machine.Properties?.StateMachineName).toBe(`campus-${stage}-scoring-run`);
    // The definition with each reference to another resource written as X.
    const parts = (machine.Properties?.DefinitionString as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    type State = {
      Type: string;
      ItemProcessor?: Machine;
      Catch?: { Next: string }[];
      ItemReader?: unknown;
      Next?: string;
    };
    type Machine = { StartAt: string; States: Record<string, State> };
    const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'X')).join('')) as Machine;
    expect(definition.StartAt).toBe('Start scoring run');
    const schools = definition.States['Score schools']!;
    expect(schools.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    });
    const perSchool = schools.ItemProcessor!.States;
    expect(Object.keys(perSchool).sort()).toEqual(
      ['Apply retention policy', 'Finish school', 'Plan school', 'Record failed school', 'Score chunks'].sort(),
    );
    // Each school's retention policy first; its failure waits for the next night and scoring goes on.
    expect(schools.ItemProcessor!.StartAt).toBe('Apply retention policy');
    expect(perSchool['Apply retention policy']).toMatchObject({
      Next: 'Plan school',
      ResultPath: null,
      Catch: [expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Plan school' })],
    });
    expect(perSchool['Score chunks']!.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: 'DISTRIBUTED' },
      StartAt: 'Score chunk',
    });
    for (const name of ['Plan school', 'Score chunks', 'Finish school']) {
      expect(perSchool[name]!.Catch).toEqual([expect.objectContaining({ Next: 'Record failed school' })]);
    }
    // Items come from the state (chunk descriptors), which the local platform runs as they are.
    expect(schools.ItemReader).toBeUndefined();
    expect(perSchool['Score chunks']!.ItemReader).toBeUndefined();
  });

  it('starts the scoring run nightly through EventBridge Scheduler, with a role that may start only it', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `campus-${stage}-nightly-scoring`,
      ScheduleExpression: 'cron(30 1 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: Match.objectLike({ Input: JSON.stringify({ trigger: 'schedule' }) }),
    });
    const roles = resourcesOf(stack, 'AWS::IAM::Policy').filter(([, policy]) =>
      JSON.stringify(policy.Properties?.PolicyDocument).includes('states:StartExecution'),
    );
    expect(roles.length).toBeGreaterThan(0);
    for (const [, policy] of roles) {
      const statements = policy.Properties?.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[];
      for (const statement of statements.filter((st) => [st.Action].flat().includes('states:StartExecution'))) {
        expect(JSON.stringify(statement.Resource)).toMatch(/ScoringRun/);
      }
    }
  });

  it('gives the scoring steps only what they use: runs by key and query, no scan, no delete, no wildcard action', () => {
    const [, policy] = resourcesOf(stack, 'AWS::IAM::Policy').find(([id]) => id.startsWith('scoringsteps'))!;
    const statements = policy.Properties?.PolicyDocument.Statement as { Action: string | string[] }[];
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']),
    );
    expect(actions.some((action) => /Scan|Delete|\*$/.test(action) && !action.startsWith('kms:'))).toBe(false);
    expect(actions).toContain('sqs:SendMessage');
  });

  it('lets only the notification senders send e-mail and texts, through the stage’s configuration sets', () => {
    const policies = resourcesOf(stack, 'AWS::IAM::Policy');
    const senders = policies.filter(([, policy]) =>
      JSON.stringify(policy.Properties?.PolicyDocument).includes('ses:SendEmail'),
    );
    expect(senders.map(([id]) => id.replace(/[A-F0-9]{8}$/, '')).sort()).toEqual([
      'notificationsbulkdeliveryRoleDefaultPolicy',
      'notificationsurgentdeliveryRoleDefaultPolicy',
    ]);
    for (const [, policy] of senders) {
      const document = JSON.stringify(policy.Properties?.PolicyDocument);
      expect(document).toContain('sms-voice:SendTextMessage');
      expect(document).toContain(`configuration-set/campus-${stage}-notifications`);
      expect(document).toContain(`identity/mail.${stage === 'dev' ? 'dev.' : ''}campus.example`);
    }
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          CAMPUS_MAIL_FROM: `notifications@mail.${stage === 'dev' ? 'dev.' : ''}campus.example`,
          CAMPUS_EMAIL_CONFIGURATION_SET: `campus-${stage}-notifications`,
          CAMPUS_SMS_CONFIGURATION_SET: `campus-${stage}-notifications`,
        }),
      },
    });
  });

  it('runs the sweep’s hourly pass on the hour (fee reminders and daily notices, each school in its own time)', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `campus-${stage}-notification-hourly`,
      ScheduleExpression: 'cron(0 * * * ? *)',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^notificationssweep'), 'Arn'] },
        Input: JSON.stringify({ trigger: 'schedule', pass: 'hourly' }),
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }),
      }),
    });
  });

  it('sweeps notifications each minute with a role that may invoke only the sweep, which may send to their queues', () => {
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: `campus-${stage}-notification-sweep`,
      ScheduleExpression: 'rate(1 minute)',
      Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^notificationssweep'), 'Arn'] } }),
    });
    const [, sweep] = resourcesOf(stack, 'AWS::IAM::Policy').find(([id]) => id.startsWith('notificationssweep'))!;
    const document = JSON.stringify(sweep.Properties?.PolicyDocument);
    for (const queue of ['notificationsdue', 'notificationsurgent', 'notificationsbulk']) {
      expect(document).toMatch(new RegExp(`"${queue}[A-F0-9]{8}"`));
    }
    expect(document).not.toContain('ses:');
    const [, invoker] = resourcesOf(stack, 'AWS::IAM::Policy').find(([id]) =>
      id.startsWith('NotificationSweepInvoker'),
    )!;
    expect(JSON.stringify(invoker.Properties?.PolicyDocument.Statement)).toMatch(
      /lambda:InvokeFunction.*notificationssweep/,
    );
  });

  it('routes the configuration set’s SES events and the texts’ status events into the sending-events queue', () => {
    t.hasResourceProperties('AWS::Events::Rule', {
      Name: `campus-${stage}-email-events`,
      EventPattern: {
        source: ['aws.ses'],
        'detail-type': Match.arrayWith(['Email Delivered', 'Email Bounced', 'Email Complaint Received']),
        detail: { mail: { tags: { 'ses:configuration-set': [`campus-${stage}-notifications`] } } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^sendingevents'), 'Arn'] } })],
    });
    t.hasResourceProperties('AWS::Events::Rule', {
      Name: `campus-${stage}-text-events`,
      EventPattern: { source: ['aws.sms-voice'], 'detail-type': ['Text Message Delivery Status Updated'] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^sendingevents'), 'Arn'] } })],
    });
    const [, policy] = resourcesOf(stack, 'AWS::SQS::QueuePolicy').find(([id]) =>
      id.startsWith('sendingeventsPolicy'),
    )!;
    expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('events.amazonaws.com');
  });
});
