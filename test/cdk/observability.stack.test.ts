import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { resourcesOf, template } from '../support/assembly';

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

  it('has a dashboard', () => {
    template(name).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `campus-${stage}-platform-${config.primaryRegion}`,
    });
  });
});
