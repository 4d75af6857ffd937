/** One statement of an IAM policy document, as CloudFormation templates hold it. */
export interface PolicyStatementJson {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface PolicyDocumentJson {
  readonly Version?: string;
  readonly Statement: readonly PolicyStatementJson[];
}

/** The condition keys of a request: `aws:PrincipalTag/…`, `aws:RequestTag/…`, `secretsmanager:ResourceTag/…`. */
export type RequestContext = Readonly<Record<string, string | undefined>>;

export class UnsupportedConditionError extends Error {
  override readonly name = 'UnsupportedConditionError';
}

const list = (value: string | readonly string[] | undefined): readonly string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : value;

/** IAM's `*` and `?` wildcards, anchored; `caseless` for actions, which IAM compares without case. */
function wildcard(pattern: string, caseless = false): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseless ? 'is' : 's');
}

/** `${aws:PrincipalTag/x}` and friends in a resource or condition value, from the request's context. */
function substitute(text: string, context: RequestContext): string | undefined {
  let missing = false;
  const value = text.replace(/\$\{([^}]+)\}/g, (_, key: string) => {
    if (key === '*' || key === '?' || key === '$') return key;
    const found = context[key];
    if (found === undefined) missing = true;
    return found ?? '';
  });
  // A variable with no value makes the statement not match, as IAM does.
  return missing ? undefined : value;
}

const conditionOperators: Record<string, (actual: string | undefined, expected: string) => boolean> = {
  StringEquals: (actual, expected) => actual === expected,
  StringNotEquals: (actual, expected) => actual !== expected,
  StringEqualsIgnoreCase: (actual, expected) => actual?.toLowerCase() === expected.toLowerCase(),
  StringLike: (actual, expected) => actual !== undefined && wildcard(expected).test(actual),
  StringNotLike: (actual, expected) => actual === undefined || !wildcard(expected).test(actual),
  ArnEquals: (actual, expected) => actual === expected,
  ArnLike: (actual, expected) => actual !== undefined && wildcard(expected).test(actual),
  ArnNotLike: (actual, expected) => actual === undefined || !wildcard(expected).test(actual),
  Bool: (actual, expected) => actual === expected,
  Null: (actual, expected) => (expected === 'true' ? actual === undefined : actual !== undefined),
};

/** A statement's conditions: every operator and key must hold; a key holds if any of its values does. */
function conditionsHold(statement: PolicyStatementJson, context: RequestContext): boolean {
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    const test = conditionOperators[operator];
    if (!test) throw new UnsupportedConditionError(`The local IAM does not evaluate ${operator} conditions.`);
    for (const [key, expected] of Object.entries(keys)) {
      const actual = context[key];
      const holds = list(expected).some((value) => {
        const resolved = substitute(value, context);
        return resolved !== undefined && test(actual, resolved);
      });
      if (!holds) return false;
    }
  }
  return true;
}

function statementMatches(
  statement: PolicyStatementJson,
  action: string,
  resource: string,
  context: RequestContext,
): boolean {
  const actionMatches = statement.Action
    ? list(statement.Action).some((pattern) => wildcard(pattern, true).test(action))
    : !list(statement.NotAction).some((pattern) => wildcard(pattern, true).test(action));
  if (!actionMatches) return false;
  const resourceMatches = (patterns: readonly string[]) =>
    patterns.some((pattern) => {
      const resolved = substitute(pattern, context);
      return resolved !== undefined && wildcard(resolved).test(resource);
    });
  const inResource = statement.Resource ? resourceMatches(list(statement.Resource)) : true;
  const outOfNotResource = statement.NotResource ? !resourceMatches(list(statement.NotResource)) : true;
  return inResource && outOfNotResource && conditionsHold(statement, context);
}

export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/**
 * IAM's evaluation for one principal's policies and one request: an explicit Deny wins,
 * then any Allow, else the request is implicitly denied. Actions match without case, with
 * `*` and `?`; resources and condition values may use policy variables.
 */
export function evaluate(
  policies: readonly PolicyDocumentJson[],
  action: string,
  resource: string,
  context: RequestContext = {},
): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.Statement) {
      if (!statementMatches(statement, action, resource, context)) continue;
      if (statement.Effect === 'Deny') return 'explicitDeny';
      allowed = true;
    }
  }
  return allowed ? 'allowed' : 'implicitDeny';
}

/** The statements of a trust policy that name a principal the caller is (the account, or the exact role). */
export function trustAllows(
  trust: PolicyDocumentJson,
  caller: { readonly arn: string; readonly accountId: string },
  action: string,
  context: RequestContext,
): boolean {
  const principalMatches = (principal: unknown): boolean => {
    if (principal === '*') return true;
    const aws = (principal as { AWS?: string | string[] } | undefined)?.AWS;
    return list(aws).some(
      (entry) =>
        entry === '*' ||
        entry === caller.arn ||
        entry === caller.accountId ||
        entry === `arn:aws:iam::${caller.accountId}:root`,
    );
  };
  const matching = trust.Statement.filter((statement) => principalMatches(statement.Principal));
  return (
    evaluate([{ Statement: matching.map((statement) => ({ ...statement, Resource: '*' })) }], action, '*', context) ===
    'allowed'
  );
}
