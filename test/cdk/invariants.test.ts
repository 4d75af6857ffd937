import { describe, expect, it } from 'vitest';
import { allResourcesOf, stackNames, templateJson, type TemplateJson } from '../support/assembly';
import { cdkOwnedFunctions, invariants } from '../support/invariants';

const template = (resources: TemplateJson['Resources']): TemplateJson => ({ Resources: resources });

describe('invariants over every synthesized template', () => {
  it('covers both stages', () => {
    expect(stackNames().filter((s) => s.startsWith('campus-dev-')).length).toBeGreaterThanOrEqual(8);
    expect(stackNames().filter((s) => s.startsWith('campus-prod-')).length).toBeGreaterThanOrEqual(9);
  });

  for (const [name, check] of Object.entries(invariants)) {
    it(`holds: ${name}`, () => {
      const violations = stackNames().flatMap((stack) => check(templateJson(stack)).map((v) => `${stack}: ${v}`));
      expect(violations).toEqual([]);
    });
  }

  it('finds the platform’s own functions among those checked, and only CDK providers in the allow-list', () => {
    const functions = allResourcesOf('AWS::Lambda::Function');
    const path = (r: (typeof functions)[number]) => String(r.resource.Metadata?.['aws:cdk:path']);
    const owned = functions.filter((f) => cdkOwnedFunctions.some((o) => o.pathPattern.test(path(f))));
    expect(owned.every((f) => path(f).includes('/Custom::'))).toBe(true);
    expect(functions.length - owned.length).toBeGreaterThanOrEqual(4);
    for (const entry of cdkOwnedFunctions) expect(entry.reason.length).toBeGreaterThan(20);
  });
});

describe('the invariant checks catch violations', () => {
  it('flags a function on x86, an old runtime, untraced and without its own log group', () => {
    const bad = template({
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs18.x', Architectures: ['x86_64'] } },
    });
    expect(invariants.functions(bad)).toHaveLength(4);
  });

  it('flags a queue with no DLQ and no encryption, but not a DLQ that others redrive to', () => {
    const bad = template({
      Work: { Type: 'AWS::SQS::Queue', Properties: {} },
      Jobs: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          SqsManagedSseEnabled: true,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['JobsDlq', 'Arn'] } },
        },
      },
      JobsDlq: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } },
    });
    expect(invariants.queues(bad)).toEqual(['Work: no dead-letter queue', 'Work: not encrypted']);
  });

  it('flags a bucket open to the public or reachable over plain HTTP', () => {
    const bad = template({ Open: { Type: 'AWS::S3::Bucket', Properties: {} } });
    expect(invariants.buckets(bad)).toHaveLength(5);
  });

  it('flags a log group kept forever', () => {
    expect(invariants.logGroups(template({ Logs: { Type: 'AWS::Logs::LogGroup', Properties: {} } }))).toEqual([
      'Logs: no retention',
    ]);
  });

  it('flags wildcard actions and unscoped resources, but not X-Ray', () => {
    const policy = (Statement: unknown[]) => ({
      Type: 'AWS::IAM::Policy',
      Properties: { PolicyDocument: { Statement } },
    });
    const bad = template({
      Star: policy([{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' }]),
      Service: policy([{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b' }]),
      Unscoped: policy([{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: '*' }]),
      Tracing: policy([
        { Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]),
    });
    expect(invariants.iamWildcards(bad)).toEqual([
      'Star: wildcard action *',
      'Service: wildcard action s3:*',
      'Unscoped: Resource "*" for dynamodb:GetItem',
    ]);
  });
});
