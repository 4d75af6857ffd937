import { mailboxAddress } from '../messaging/addresses';
import type { RequestContext } from './policy-evaluator';
import type { ReceivedRequest } from './request-signature';

/** One IAM authorization a request needs: an action on a resource, with the request's condition keys. */
export interface AwsCall {
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

/** What the local endpoints know of the resources they serve, for ARNs and resource tags. */
export interface AwsCallScope {
  readonly region: string;
  readonly accountId: string;
  /** A secret's ARN and tags, by ARN or name (Secrets Manager's `SecretId`). */
  readonly secret?: (secretId: string) => { arn: string; tags: Readonly<Record<string, string>> } | undefined;
}

/** What a protected endpoint needs authorized for a request, given its JSON (or form) body. */
export type DescribeCalls = (request: ReceivedRequest, scope: AwsCallScope) => readonly AwsCall[];

export class MalformedCallError extends Error {
  override readonly name = 'MalformedCallError';
}

function jsonBody(request: ReceivedRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new MalformedCallError('The request body is not valid JSON.');
  }
}

/** The operation of a JSON-protocol request, from `X-Amz-Target: <prefix>.<Operation>`. */
function operationOf(request: ReceivedRequest, prefix: string): string {
  const target = String(request.headers['x-amz-target'] ?? '');
  if (!target.startsWith(`${prefix}.`)) throw new MalformedCallError(`Missing or unknown X-Amz-Target ${target}.`);
  return target.slice(prefix.length + 1);
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

const tagContext = (prefix: string, tags: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}/${key}`, value]));

/** Tags given as `[{ Key, Value }]`. */
const tagList = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    (Array.isArray(value) ? (value as { Key?: unknown; Value?: unknown }[]) : []).map((tag) => [
      text(tag.Key),
      text(tag.Value),
    ]),
  );

export const dynamoDbCalls: DescribeCalls = (request, { region, accountId }) => {
  const operation = operationOf(request, 'DynamoDB_20120810');
  const body = jsonBody(request);
  const table = (name: unknown) => `arn:aws:dynamodb:${region}:${accountId}:table/${text(name)}`;
  const each = (action: string, tables: string[]) => tables.map((name) => ({ action, resource: table(name) }));
  switch (operation) {
    case 'ListTables':
      return [{ action: 'dynamodb:ListTables', resource: '*' }];
    case 'BatchGetItem':
    case 'BatchWriteItem':
      return each(`dynamodb:${operation}`, Object.keys((body.RequestItems as object | undefined) ?? {}));
    case 'TransactWriteItems':
    case 'TransactGetItems': {
      const actions: Record<string, string> = {
        Put: 'dynamodb:PutItem',
        Update: 'dynamodb:UpdateItem',
        Delete: 'dynamodb:DeleteItem',
        ConditionCheck: 'dynamodb:ConditionCheckItem',
        Get: 'dynamodb:GetItem',
      };
      return ((body.TransactItems as Record<string, { TableName?: unknown }>[] | undefined) ?? []).flatMap((item) =>
        Object.entries(item).map(([kind, operationBody]) => ({
          action: actions[kind] ?? `dynamodb:${kind}`,
          resource: table(operationBody.TableName),
        })),
      );
    }
    case 'Query':
    case 'Scan':
      return [
        {
          action: `dynamodb:${operation}`,
          resource: body.IndexName ? `${table(body.TableName)}/index/${text(body.IndexName)}` : table(body.TableName),
        },
      ];
    default:
      return [{ action: `dynamodb:${operation}`, resource: table(body.TableName) }];
  }
};

export const sqsCalls: DescribeCalls = (request, { region, accountId }) => {
  const operation = operationOf(request, 'AmazonSQS');
  const body = jsonBody(request);
  const queue = (name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;
  if (operation === 'ListQueues') return [{ action: 'sqs:ListQueues', resource: '*' }];
  if (operation === 'GetQueueUrl') return [{ action: 'sqs:GetQueueUrl', resource: queue(text(body.QueueName)) }];
  const name = text(body.QueueUrl).split('/').filter(Boolean).at(-1) ?? '';
  const action = `sqs:${operation.replace(/Batch$/, '')}`;
  return [{ action, resource: queue(name) }];
};

export const stepFunctionsCalls: DescribeCalls = (request) => {
  const operation = operationOf(request, 'AWSStepFunctions');
  const body = jsonBody(request);
  const resource = text(body.stateMachineArn) || text(body.executionArn) || text(body.mapRunArn) || '*';
  return [{ action: `states:${operation}`, resource }];
};

export const cognitoCalls: DescribeCalls = (request, { region, accountId }) => {
  const operation = operationOf(request, 'AWSCognitoIdentityProviderService');
  const body = jsonBody(request);
  const pool = text(body.UserPoolId);
  return [
    {
      action: `cognito-idp:${operation}`,
      resource: pool ? `arn:aws:cognito-idp:${region}:${accountId}:userpool/${pool}` : '*',
    },
  ];
};

/** A secret's ARN and `secretsmanager:ResourceTag/…` keys, or the ARN it would have. */
function secretCall(action: string, secretId: string, scope: AwsCallScope): AwsCall {
  const known = scope.secret?.(secretId);
  if (known) return { action, resource: known.arn, context: tagContext('secretsmanager:ResourceTag', known.tags) };
  const resource = secretId.startsWith('arn:')
    ? secretId
    : `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${secretId}`;
  return { action, resource };
}

export const secretsManagerCalls: DescribeCalls = (request, scope) => {
  const operation = operationOf(request, 'secretsmanager');
  const body = jsonBody(request);
  if (operation === 'CreateSecret') {
    const tags = tagList(body.Tags);
    // A new secret's ARN ends in six random characters; policies name it by prefix.
    const resource = `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${text(body.Name)}-??????`;
    const context = { ...tagContext('aws:RequestTag', tags), 'aws:TagKeys': Object.keys(tags).join(',') };
    return [
      { action: 'secretsmanager:CreateSecret', resource, context },
      // Tagging at creation needs TagResource too, as on AWS.
      ...(Object.keys(tags).length ? [{ action: 'secretsmanager:TagResource', resource, context }] : []),
    ];
  }
  if (operation === 'ListSecrets') return [{ action: 'secretsmanager:ListSecrets', resource: '*' }];
  return [secretCall(`secretsmanager:${operation}`, text(body.SecretId), scope)];
};

const dataApiActions: Record<string, string> = {
  '/Execute': 'rds-data:ExecuteStatement',
  '/BatchExecute': 'rds-data:BatchExecuteStatement',
  '/BeginTransaction': 'rds-data:BeginTransaction',
  '/CommitTransaction': 'rds-data:CommitTransaction',
  '/RollbackTransaction': 'rds-data:RollbackTransaction',
};

/** The Data API reads the secret with the caller's own permissions, so a call needs both. */
export const dataApiCalls: DescribeCalls = (request, scope) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  const action = dataApiActions[path];
  if (!action) return [];
  const body = jsonBody(request);
  return [
    { action, resource: text(body.resourceArn) },
    ...(body.secretArn ? [secretCall('secretsmanager:GetSecretValue', text(body.secretArn), scope)] : []),
  ];
};

/**
 * SES v2: sending is authorized on the identity the From address belongs to (its domain)
 * and on the configuration set it names; the suppression list and the account on `*`.
 */
export const sesCalls: DescribeCalls = (request, { region, accountId }) => {
  const path = new URL(request.url, 'http://localhost').pathname;
  const method = request.method.toUpperCase();
  const arn = (resource: string) => `arn:aws:ses:${region}:${accountId}:${resource}`;
  if (method === 'POST' && path === '/v2/email/outbound-emails') {
    const body = jsonBody(request);
    const from = text(body.FromEmailAddress);
    const domain = mailboxAddress(from).split('@').at(-1) ?? '';
    return [
      { action: 'ses:SendEmail', resource: arn(`identity/${domain}`) },
      ...(body.ConfigurationSetName
        ? [{ action: 'ses:SendEmail', resource: arn(`configuration-set/${text(body.ConfigurationSetName)}`) }]
        : []),
    ];
  }
  if (path === '/v2/email/account') return [{ action: 'ses:GetAccount', resource: '*' }];
  if (path.startsWith('/v2/email/suppression/addresses')) {
    const named = path !== '/v2/email/suppression/addresses';
    const action =
      method === 'PUT'
        ? 'ses:PutSuppressedDestination'
        : method === 'DELETE'
          ? 'ses:DeleteSuppressedDestination'
          : named
            ? 'ses:GetSuppressedDestination'
            : 'ses:ListSuppressedDestinations';
    return [{ action, resource: '*' }];
  }
  return [];
};

/**
 * End User Messaging SMS: SendTextMessage on the configuration set it names (or `*`, where the
 * platform names none), opt-out list operations on the list.
 */
export const smsVoiceCalls: DescribeCalls = (request, { region, accountId }) => {
  const operation = operationOf(request, 'PinpointSMSVoiceV2');
  const body = jsonBody(request);
  const arn = (resource: string) => `arn:aws:sms-voice:${region}:${accountId}:${resource}`;
  if (operation === 'SendTextMessage') {
    return [
      {
        action: 'sms-voice:SendTextMessage',
        resource: body.ConfigurationSetName ? arn(`configuration-set/${text(body.ConfigurationSetName)}`) : '*',
      },
    ];
  }
  const list = text(body.OptOutListName).split('/').at(-1) || 'Default';
  return [{ action: `sms-voice:${operation}`, resource: arn(`opt-out-list/${list}`) }];
};
