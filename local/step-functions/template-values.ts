import type { TemplateJson } from '../../lib/cloud-assembly';

/** Where the local platform pretends to run: the account and region of every local ARN. */
export interface LocalAwsEnvironment {
  readonly accountId: string;
  readonly region: string;
  /** What `Ref` of a queue returns: its URL on the local SQS. */
  readonly queueUrl?: (name: string) => string;
  /** A secret's ARN by its name: the local Secrets Manager's, with its random suffix as on AWS. */
  readonly secretArn?: (name: string) => string | undefined;
}

export interface SynthesizedStack {
  readonly stackName: string;
  readonly template: TemplateJson;
}

export class UnresolvableTemplateValueError extends Error {
  override readonly name = 'UnresolvableTemplateValueError';
}

/** Physical-name properties by resource type: what `Ref` returns when a name is set. */
const nameProperties: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::Events::EventBus': 'Name',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Logs::LogGroup': 'LogGroupName',
};

/** ARN service and resource prefix by resource type, for `Fn::GetAtt [x, Arn]`. */
const arnShapes: Record<string, (name: string) => string> = {
  'AWS::Lambda::Function': (name) => `lambda:{region}:{account}:function:${name}`,
  'AWS::DynamoDB::Table': (name) => `dynamodb:{region}:{account}:table/${name}`,
  'AWS::DynamoDB::GlobalTable': (name) => `dynamodb:{region}:{account}:table/${name}`,
  'AWS::SQS::Queue': (name) => `sqs:{region}:{account}:${name}`,
  'AWS::SNS::Topic': (name) => `sns:{region}:{account}:${name}`,
  'AWS::S3::Bucket': (name) => `s3:::${name}`,
  'AWS::Events::EventBus': (name) => `events:{region}:{account}:event-bus/${name}`,
  'AWS::StepFunctions::StateMachine': (name) => `states:{region}:{account}:stateMachine:${name}`,
  'AWS::IAM::Role': (name) => `iam::{account}:role/${name}`,
  'AWS::IAM::ManagedPolicy': (name) => `iam::{account}:policy/${name}`,
  'AWS::Logs::LogGroup': (name) => `logs:{region}:{account}:log-group:${name}:*`,
  'AWS::KMS::Key': (name) => `kms:{region}:{account}:key/${name}`,
  'AWS::SecretsManager::Secret': (name) => `secretsmanager:{region}:{account}:secret:${name}`,
};

/** Resource types whose `Ref` is not their name. */
const refIsArn = new Set([
  'AWS::SNS::Topic',
  'AWS::SecretsManager::Secret',
  'AWS::StepFunctions::StateMachine',
  'AWS::IAM::ManagedPolicy',
]);

/**
 * Resolves CloudFormation intrinsic functions in a synthesized template to the values
 * they would have on the local platform: `Ref` and `Fn::GetAtt … Arn` become the
 * resource's physical name (or `<stack>-<logical id>` when it has none) and a local ARN,
 * `Fn::Join`, `Fn::Split`, `Fn::Sub`, `Fn::Select` and `Fn::ImportValue` (from the other templates'
 * exports) are evaluated. Anything else is refused rather than guessed.
 */
export class TemplateValues {
  private readonly exports = new Map<string, { template: TemplateJson; value: unknown }>();

  private readonly stackNames = new Map<TemplateJson, string>();

  constructor(
    stacks: readonly SynthesizedStack[],
    private readonly environment: LocalAwsEnvironment,
  ) {
    for (const { stackName, template } of stacks) {
      this.stackNames.set(template, stackName);
      for (const output of Object.values(template.Outputs ?? {}) as { Value: unknown; Export?: { Name: unknown } }[]) {
        if (output.Export) this.exports.set(String(output.Export.Name), { template, value: output.Value });
      }
    }
  }

  /** The physical name a resource has locally. */
  nameOf(template: TemplateJson, logicalId: string): string {
    const resource = template.Resources[logicalId];
    if (!resource) throw new UnresolvableTemplateValueError(`No resource ${logicalId} in the template.`);
    const property = nameProperties[resource.Type];
    const named: unknown = property ? resource.Properties?.[property] : undefined;
    // CloudFormation names an unnamed resource after its stack and logical id, which keeps stacks apart.
    return named === undefined
      ? `${this.stackNames.get(template)}-${logicalId}`
      : String(this.resolve(template, named));
  }

  arnOf(template: TemplateJson, logicalId: string): string {
    const resource = template.Resources[logicalId];
    const shape = resource ? arnShapes[resource.Type] : undefined;
    if (!shape) throw new UnresolvableTemplateValueError(`No local ARN for ${logicalId} (${resource?.Type}).`);
    if (resource!.Type === 'AWS::SecretsManager::Secret') {
      const stored = this.environment.secretArn?.(this.nameOf(template, logicalId));
      if (stored) return stored;
    }
    return `arn:aws:${shape(this.nameOf(template, logicalId))}`
      .replace('{region}', this.environment.region)
      .replace('{account}', this.environment.accountId);
  }

  resolve(template: TemplateJson, value: unknown): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(template, item));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length !== 1 || !key || !(key === 'Ref' || key.startsWith('Fn::'))) {
      return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(template, v)]));
    }
    switch (key) {
      case 'Ref':
        return this.ref(template, String(argument));
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = (Array.isArray(argument) ? argument : String(argument).split('.')) as string[];
        if (attribute !== 'Arn') {
          throw new UnresolvableTemplateValueError(`Fn::GetAtt ${logicalId}.${attribute} has no local value.`);
        }
        return this.arnOf(template, String(logicalId));
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (this.resolve(template, parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return String(this.resolve(template, source)).split(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [unknown, unknown];
        return (this.resolve(template, list) as unknown[])[Number(this.resolve(template, index))];
      }
      case 'Fn::Sub': {
        const [text, variables] = (Array.isArray(argument) ? argument : [argument, {}]) as [
          string,
          Record<string, unknown>,
        ];
        return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
          if (name in variables) return String(this.resolve(template, variables[name]));
          const [logicalId, attribute] = name.split('.');
          return String(
            attribute ? this.resolve(template, { 'Fn::GetAtt': [logicalId, attribute] }) : this.ref(template, name),
          );
        });
      }
      case 'Fn::ImportValue': {
        const name = String(this.resolve(template, argument));
        const exported = this.exports.get(name);
        if (!exported) throw new UnresolvableTemplateValueError(`No stack exports ${name}.`);
        return this.resolve(exported.template, exported.value);
      }
      default:
        throw new UnresolvableTemplateValueError(`${key} has no local value.`);
    }
  }

  private ref(template: TemplateJson, name: string): string {
    switch (name) {
      case 'AWS::Partition':
        return 'aws';
      case 'AWS::Region':
        return this.environment.region;
      case 'AWS::AccountId':
        return this.environment.accountId;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        throw new UnresolvableTemplateValueError('AWS::NoValue has no local value.');
      default: {
        const type = template.Resources[name]?.Type ?? '';
        if (refIsArn.has(type)) return this.arnOf(template, name);
        if (type === 'AWS::SQS::Queue') {
          if (!this.environment.queueUrl) throw new UnresolvableTemplateValueError(`No local SQS for Ref ${name}.`);
          return this.environment.queueUrl(this.nameOf(template, name));
        }
        return this.nameOf(template, name);
      }
    }
  }
}
