import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { dataApiServices } from '../../lambdas/shared/observability';
import { platformQueues } from '../../lambdas/shared/queues';
import { resourcesOf, stackNames, template } from '../support/assembly';

describe.each(['dev', 'prod'])('observability stack (%s)', (stage) => {
  const config = loadStageConfig(stage);
  const name = `campus-${stage}-observability`;
  const alarms = () => resourcesOf(name, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!);
  const alarm = (suffix: string) => alarms().find((a) => a.AlarmName === `campus-${stage}-${suffix}`);
  /** The watched metric, whether the alarm names it directly or through a labelled metric query. */
  const metricOf = (a: Record<string, any> | undefined) =>
    a?.MetricName ? { Namespace: a.Namespace, MetricName: a.MetricName } : a?.Metrics?.[0]?.MetricStat?.Metric;

  it('sends alarms to an encrypted topic that e-mails the stage’s address', () => {
    template(name).hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template(name).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: config.alarmEmail });
    for (const a of alarms()) {
      expect(a.AlarmActions, a.AlarmName).toHaveLength(1);
    }
  });

  it('warns at p95 latency over 2 s and pages at over 5 s', () => {
    expect(alarm('api-latency-p95-warning')).toMatchObject({
      Threshold: 2000,
      ExtendedStatistic: 'p95',
      MetricName: 'Latency',
    });
    expect(alarm('api-latency-p95-critical')).toMatchObject({
      Threshold: 5000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('warns at a 5xx rate over 2 % and pages at over 5 %', () => {
    const warning = alarm('api-5xx-rate-warning')!;
    expect(warning.Threshold).toBe(2);
    expect(JSON.stringify(warning.Metrics)).toContain('100 * errors / requests');
    expect(alarm('api-5xx-rate-critical')!.Threshold).toBe(5);
  });

  it('watches every shard group’s ACU utilisation above 80 %', () => {
    for (const group of config.shardGroups) {
      const acu = alarm(`shard-group-${group.id}-acu-warning`);
      expect(acu?.Threshold).toBe(80);
      expect(metricOf(acu)).toMatchObject({ MetricName: 'ACUUtilization', Namespace: 'AWS/RDS' });
    }
  });

  it('alarms the Data API errors of every service with a function that can call the Data API', () => {
    // A function reaches the Data API with rds-data actions of its own or through the tenant role.
    const roleReaches = new Map<string, boolean>();
    const functions: { service: string; role: string }[] = [];
    for (const stack of stackNames().filter((s) => s.startsWith(`campus-${stage}-`))) {
      for (const [, policy] of [
        ...resourcesOf(stack, 'AWS::IAM::Policy'),
        ...resourcesOf(stack, 'AWS::IAM::ManagedPolicy'),
      ]) {
        const statements = policy.Properties!.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
        const reaches = statements.some((statement) => {
          const actions = [statement.Action].flat().map(String);
          return (
            actions.some((action) => action.startsWith('rds-data:')) ||
            (actions.includes('sts:AssumeRole') && JSON.stringify(statement.Resource).includes('TenantDataAccess'))
          );
        });
        for (const role of policy.Properties!.Roles ?? []) {
          const key = `${stack}/${role.Ref}`;
          roleReaches.set(key, (roleReaches.get(key) ?? false) || reaches);
        }
      }
      for (const [, fn] of resourcesOf(stack, 'AWS::Lambda::Function')) {
        const service = fn.Properties!.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
        if (service) functions.push({ service, role: `${stack}/${fn.Properties!.Role['Fn::GetAtt'][0]}` });
      }
    }
    const services = [...new Set(functions.filter((f) => roleReaches.get(f.role)).map((f) => f.service))].sort();
    expect(services).toEqual([...dataApiServices].sort());
    for (const service of services) {
      expect(metricOf(alarm(`data-api-errors-${service}-warning`)), service).toMatchObject({
        Namespace: 'CampusCloud',
        MetricName: 'DataApiErrors',
        Dimensions: [{ Name: 'service', Value: service }],
      });
    }
  });

  it('watches Data API errors and every function’s errors and throttles', () => {
    expect(metricOf(alarm('data-api-errors-campus-api-warning'))).toMatchObject({
      Namespace: 'CampusCloud',
      MetricName: 'DataApiErrors',
      Dimensions: [{ Name: 'service', Value: 'campus-api' }],
    });
    const functionAlarms = alarms().filter((a) => String(a.AlarmName).includes('-lambda-'));
    expect(functionAlarms.map((a) => a.AlarmName)).toEqual(
      expect.arrayContaining([
        `campus-${stage}-lambda-token-claims-errors-critical`,
        `campus-${stage}-lambda-token-claims-throttles-warning`,
        `campus-${stage}-lambda-api.health.get-health-errors-critical`,
      ]),
    );
  });

  it('pages on any message in a dead-letter queue and warns when a queue’s oldest message waits past its own limit', () => {
    for (const queue of platformQueues) {
      const dead = alarm(`dlq-${queue.logicalName}-critical`);
      expect(metricOf(dead), queue.logicalName).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible' });
      expect(dead!.Threshold).toBe(0);
      const age = alarm(`queue-${queue.logicalName}-age-warning`);
      expect(metricOf(age), queue.logicalName).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage' });
      expect(age!.Threshold).toBe(queue.maxAgeSeconds);
      expect(age!.EvaluationPeriods).toBe(5);
    }
  });

  it('has a dashboard', () => {
    template(name).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `campus-${stage}-platform-${config.primaryRegion}`,
    });
  });
});
