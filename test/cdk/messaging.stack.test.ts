import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { MessagingStack } from '../../lib/stacks/messaging.stack';
import { allResourcesOf, resourcesOf, template } from '../support/assembly';

describe.each(['dev', 'prod'])('messaging stack (%s)', (stage) => {
  const config = loadStageConfig(stage);
  const name = `campus-${stage}-messaging`;

  it('sends e-mail from the stage’s domain through one configuration set that requires TLS and suppresses bounces and complaints', () => {
    const t = template(name);
    t.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: config.messaging.mailDomain,
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: `campus-${stage}-notifications`,
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SendingOptions: { SendingEnabled: true },
    });
  });

  it('publishes sends, deliveries, bounces, complaints, rejects and delays to EventBridge’s default bus', () => {
    const [entry] = resourcesOf(name, 'AWS::SES::ConfigurationSetEventDestination');
    const event = entry![1].Properties!.EventDestination as {
      Enabled: boolean;
      MatchingEventTypes: string[];
      EventBridgeDestination: { EventBusArn: unknown };
    };
    expect(event.Enabled).toBe(true);
    expect([...event.MatchingEventTypes].sort()).toEqual(
      ['bounce', 'complaint', 'delivery', 'deliveryDelay', 'reject', 'renderingFailure', 'send'].sort(),
    );
    expect(JSON.stringify(event.EventBridgeDestination.EventBusArn)).toContain(':event-bus/default');
  });

  it('has an SMS configuration set, and no opt-out list of its own that no number would use', () => {
    const t = template(name);
    t.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      ConfigurationSetName: `campus-${stage}-notifications`,
    });
    t.resourceCountIs('AWS::SMSVOICE::OptOutList', 0);
  });

  it('keeps a generated notification keys secret, readable only by the two delivery workers and the push and invitation functions', () => {
    template(name).hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: `campus-${stage}/notifications/keys`,
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', ExcludePunctuation: true }),
    });
    const readers = allResourcesOf('AWS::IAM::Policy')
      .filter(({ stack }) => stack.startsWith(`campus-${stage}-`))
      .filter(({ resource }) =>
        (
          resource.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }
        ).Statement.some(
          (statement) =>
            [statement.Action].flat().includes('secretsmanager:GetSecretValue') &&
            JSON.stringify(statement.Resource).includes('NotificationKeys'),
        ),
      )
      .map(({ stack, id }) => `${stack.replace(`campus-${stage}-`, '')}/${id}`);
    expect(readers).toHaveLength(4);
    expect(readers.filter((r) => /urgentdelivery/i.test(r))).toHaveLength(1);
    expect(readers.filter((r) => /bulkdelivery/i.test(r))).toHaveLength(1);
    expect(readers.filter((r) => /pushsubscriptions/i.test(r))).toHaveLength(1);
    expect(readers.filter((r) => /invitations/i.test(r))).toHaveLength(1);
  });

  it('warns on bounce and complaint rates before SES reviews the account, and pages at its review levels', () => {
    const alarms = resourcesOf(`campus-${stage}-observability`, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
    const alarm = (suffix: string) => alarms.find((a) => a.AlarmName === `campus-${stage}-${suffix}`);
    expect(alarm('email-bounce-rate-warning')).toMatchObject({
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Threshold: config.messaging.bounceRateWarning,
    });
    expect(alarm('email-bounce-rate-critical')).toMatchObject({ Threshold: 0.05 });
    expect(alarm('email-complaint-rate-warning')).toMatchObject({
      MetricName: 'Reputation.ComplaintRate',
      Threshold: config.messaging.complaintRateWarning,
    });
    expect(alarm('email-complaint-rate-critical')).toMatchObject({ Threshold: 0.001 });
  });
});

describe('messaging grants', () => {
  it('let a sender send e-mail only as the stage’s identity through its configuration set, and texts through its SMS set', () => {
    const app = new App();
    const messaging = new MessagingStack(app, 'Messaging', {
      config: loadStageConfig('dev'),
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const role = new Role(messaging, 'SenderRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    messaging.grantSendEmail(role);
    messaging.grantSendText(role);
    const statements = Object.values(Template.fromStack(messaging).findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        (policy as { Properties: { PolicyDocument: { Statement: { Action: string; Resource: unknown[] }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const email = statements.find((s) => s.Action === 'ses:SendEmail')!;
    expect(JSON.stringify(email.Resource)).toContain(':identity/');
    expect(JSON.stringify(email.Resource)).toContain(':configuration-set/');
    expect(email.Resource).toHaveLength(2);
    const text = statements.find((s) => s.Action === 'sms-voice:SendTextMessage')!;
    expect(JSON.stringify(text.Resource)).toContain(':configuration-set/');
    expect(statements.every((s) => ![s.Action].flat().some((action) => action.endsWith('*')))).toBe(true);
  });
});
