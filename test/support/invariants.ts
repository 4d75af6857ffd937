import type { Resource, TemplateJson } from './assembly';

/**
 * Cross-cutting rules every synthesized template must keep. Each check returns the
 * violations it finds (empty when the template complies), so a test can show both that
 * the app complies and that the check catches a violation.
 */

/**
 * Functions that CDK itself adds (custom-resource providers). Their runtime, architecture
 * and tracing are CDK's choice, not ours; each entry says why it is there.
 */
export const cdkOwnedFunctions: readonly { pathPattern: RegExp; reason: string }[] = [
  {
    pathPattern: /\/Custom::S3AutoDeleteObjectsCustomResourceProvider\//,
    reason: 'empties disposable (dev) buckets before deletion',
  },
  {
    pathPattern: /\/Custom::VpcRestrictDefaultSGCustomResourceProvider\//,
    reason: 'removes all rules from the VPC default security group',
  },
  {
    pathPattern: /\/Custom::CrossRegionExport(Writer|Reader)CustomResourceProvider\//,
    reason: 'carries the us-east-1 web ACL ARN to the web stack',
  },
  {
    pathPattern: /\/Custom::CDKBucketDeployment[0-9A-F]+/,
    reason: 'copies web/dist into the site bucket (Python, CDK-owned)',
  },
];

/** IAM actions that accept no resource narrower than `*`, per the AWS service authorization reference. */
export const actionsWithoutResourceScope: readonly { actions: readonly string[]; reason: string }[] = [
  {
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    reason: 'X-Ray has no resource-level permissions',
  },
  {
    actions: [
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ],
    reason: 'CloudWatch Logs vended delivery (state machine logging) has no resource-level permissions',
  },
  {
    actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
    reason: 'CDK-owned BucketDeployment policy; it invalidates the distribution it deploys to',
  },
];

const path = (r: Resource) => String(r.Metadata?.['aws:cdk:path'] ?? '');
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const entries = (t: TemplateJson, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

export function functionViolations(t: TemplateJson): string[] {
  return entries(t, 'AWS::Lambda::Function').flatMap(([id, fn]) => {
    if (cdkOwnedFunctions.some((owned) => owned.pathPattern.test(path(fn)))) return [];
    const p = fn.Properties ?? {};
    const problems: string[] = [];
    const node = /^nodejs(\d+)\.x$/.exec(String(p.Runtime));
    if (!node || Number(node[1]) < 22) problems.push(`${id}: runtime ${p.Runtime} is not nodejs22.x or newer`);
    if (JSON.stringify(p.Architectures) !== JSON.stringify(['arm64'])) problems.push(`${id}: not arm64`);
    if (p.TracingConfig?.Mode !== 'Active') problems.push(`${id}: X-Ray tracing not active`);
    if (!p.LoggingConfig?.LogGroup) problems.push(`${id}: no log group of its own (retention unset)`);
    return problems;
  });
}

export function queueViolations(t: TemplateJson): string[] {
  const queues = entries(t, 'AWS::SQS::Queue');
  // A dead-letter queue is one a queue redrives into, or one an EventBridge rule's target sends its failures to.
  const deadLetterArns = [
    ...queues.map(([, q]) => q.Properties?.RedrivePolicy?.deadLetterTargetArn),
    ...entries(t, 'AWS::Events::Rule').flatMap(([, rule]) =>
      asArray(rule.Properties?.Targets).map((target: any) => target.DeadLetterConfig?.Arn),
    ),
  ];
  const targetIds = new Set(
    deadLetterArns.flatMap((arn) => (arn?.['Fn::GetAtt'] ? [arn['Fn::GetAtt'][0] as string] : [])),
  );
  return queues.flatMap(([id, q]) => {
    const p = q.Properties ?? {};
    const problems: string[] = [];
    if (!targetIds.has(id) && !p.RedrivePolicy) problems.push(`${id}: no dead-letter queue`);
    if (!p.KmsMasterKeyId && p.SqsManagedSseEnabled !== true) problems.push(`${id}: not encrypted`);
    return problems;
  });
}

export function bucketViolations(t: TemplateJson): string[] {
  const policies = entries(t, 'AWS::S3::BucketPolicy').map(([, p]) => p.Properties ?? {});
  return entries(t, 'AWS::S3::Bucket').flatMap(([id, bucket]) => {
    const problems: string[] = [];
    const block = bucket.Properties?.PublicAccessBlockConfiguration ?? {};
    for (const key of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) {
      if (block[key] !== true) problems.push(`${id}: ${key} is not on`);
    }
    const policy = policies.find((p) => JSON.stringify(p.Bucket) === JSON.stringify({ Ref: id }));
    const deniesPlainHttp = asArray(policy?.PolicyDocument?.Statement).some(
      (s: any) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
    );
    if (!deniesPlainHttp) problems.push(`${id}: SSL not enforced by its bucket policy`);
    return problems;
  });
}

export function logGroupViolations(t: TemplateJson): string[] {
  return entries(t, 'AWS::Logs::LogGroup')
    .filter(([, g]) => !g.Properties?.RetentionInDays)
    .map(([id]) => `${id}: no retention`);
}

/**
 * Identity policies only: no `*` or `service:*` action anywhere, and `Resource: "*"` only
 * for actions listed in {@link actionsWithoutResourceScope}. KMS key policies are resource
 * policies whose `*` means "this key", so they are not identity statements.
 */
export function iamWildcardViolations(t: TemplateJson): string[] {
  const allowed = new Set(actionsWithoutResourceScope.flatMap((a) => a.actions));
  return Object.entries(t.Resources).flatMap(([id, r]) => {
    const documents =
      r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
        ? [r.Properties?.PolicyDocument]
        : r.Type === 'AWS::IAM::Role'
          ? asArray(r.Properties?.Policies).map((p: any) => p.PolicyDocument)
          : [];
    return documents.flatMap((doc) =>
      asArray(doc?.Statement).flatMap((s: any) => {
        if (s.Effect !== 'Allow') return [];
        const actions = asArray<string>(s.Action);
        const problems: string[] = [];
        for (const action of actions) {
          if (action === '*' || /^[a-z0-9-]+:\*$/.test(action)) problems.push(`${id}: wildcard action ${action}`);
        }
        if (asArray(s.Resource).includes('*')) {
          const unscoped = actions.filter((a) => !allowed.has(a));
          if (unscoped.length) problems.push(`${id}: Resource "*" for ${unscoped.join(', ')}`);
        }
        return problems;
      }),
    );
  });
}

export const invariants = {
  functions: functionViolations,
  queues: queueViolations,
  buckets: bucketViolations,
  logGroups: logGroupViolations,
  iamWildcards: iamWildcardViolations,
} as const;
