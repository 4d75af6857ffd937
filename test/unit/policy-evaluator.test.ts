import { describe, expect, it } from 'vitest';
import { evaluate, type PolicyDocumentJson, trustAllows } from '../../local/iam/policy-evaluator';

const table = 'arn:aws:dynamodb:eu-west-1:000000000000:table/campus-local-tenant-directory';
const policy = (...Statement: PolicyDocumentJson['Statement']): PolicyDocumentJson => ({ Statement });

describe('the local IAM policy evaluation', () => {
  it('allows only what a statement names: actions without case and with wildcards, resources with wildcards', () => {
    const policies = [
      policy(
        { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: table },
        { Effect: 'Allow', Action: 'sqs:Send*', Resource: 'arn:aws:sqs:eu-west-1:000000000000:campus-local-*' },
      ),
    ];
    expect(evaluate(policies, 'dynamodb:getitem', table)).toBe('allowed');
    expect(evaluate(policies, 'dynamodb:PutItem', table)).toBe('implicitDeny');
    expect(evaluate(policies, 'dynamodb:GetItem', `${table}-other`)).toBe('implicitDeny');
    expect(evaluate(policies, 'sqs:SendMessage', 'arn:aws:sqs:eu-west-1:000000000000:campus-local-exports')).toBe(
      'allowed',
    );
    expect(evaluate(policies, 'sqs:SendMessage', 'arn:aws:sqs:eu-west-1:000000000000:other-exports')).toBe(
      'implicitDeny',
    );
  });

  it('lets an explicit Deny win over any Allow', () => {
    const policies = [
      policy({ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }),
      policy({ Effect: 'Deny', Action: 'dynamodb:DeleteItem', Resource: table }),
    ];
    expect(evaluate(policies, 'dynamodb:DeleteItem', table)).toBe('explicitDeny');
    expect(evaluate(policies, 'dynamodb:GetItem', table)).toBe('allowed');
  });

  it('matches a resource tag against the session’s principal tag, and refuses where either is missing', () => {
    const policies = [
      policy({
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:campus-local/schools/*',
        Condition: {
          StringEquals: { 'secretsmanager:ResourceTag/campus:school-id': '${aws:PrincipalTag/campus:school-id}' },
        },
      }),
    ];
    const secretOfA = 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:campus-local/schools/a-abc123';
    const call = (context: Record<string, string>) =>
      evaluate(policies, 'secretsmanager:GetSecretValue', secretOfA, context);
    expect(call({ 'aws:PrincipalTag/campus:school-id': 'a', 'secretsmanager:ResourceTag/campus:school-id': 'a' })).toBe(
      'allowed',
    );
    expect(call({ 'aws:PrincipalTag/campus:school-id': 'b', 'secretsmanager:ResourceTag/campus:school-id': 'a' })).toBe(
      'implicitDeny',
    );
    expect(call({ 'secretsmanager:ResourceTag/campus:school-id': 'a' })).toBe('implicitDeny');
    expect(call({ 'aws:PrincipalTag/campus:school-id': 'a' })).toBe('implicitDeny');
  });

  it('admits a caller to a role only as its trust policy says: the account, a role name prefix, a tag present', () => {
    const trust = policy({
      Effect: 'Allow',
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Principal: { AWS: 'arn:aws:iam::000000000000:root' },
      Condition: {
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::000000000000:role/campus-local-*' },
        Null: { 'aws:RequestTag/campus:school-id': 'false' },
      },
    });
    const caller = (name: string) => ({ arn: `arn:aws:iam::000000000000:role/${name}`, accountId: '000000000000' });
    const tagged = (name: string) => ({
      'aws:PrincipalArn': caller(name).arn,
      'aws:RequestTag/campus:school-id': 'a',
    });
    expect(trustAllows(trust, caller('campus-local-api'), 'sts:AssumeRole', tagged('campus-local-api'))).toBe(true);
    expect(trustAllows(trust, caller('other-api'), 'sts:AssumeRole', tagged('other-api'))).toBe(false);
    expect(
      trustAllows(trust, caller('campus-local-api'), 'sts:AssumeRole', {
        'aws:PrincipalArn': caller('campus-local-api').arn,
      }),
    ).toBe(false);
    expect(
      trustAllows(
        trust,
        { arn: 'arn:aws:iam::111111111111:role/campus-local-api', accountId: '111111111111' },
        'sts:AssumeRole',
        tagged('campus-local-api'),
      ),
    ).toBe(false);
  });
});
