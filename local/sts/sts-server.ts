import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { AwsCall, DescribeCalls } from '../iam/aws-calls';
import type { GuardedRequest, LocalIam, ProtectedService } from '../iam/local-iam';
import { trustAllows } from '../iam/policy-evaluator';
import { type RunningServer, startHttpServer } from '../http-server';

const xmlEscape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

const namespace = 'https://sts.amazonaws.com/doc/2011-06-15/';

function errorXml(response: ServerResponse, status: number, code: string, message: string): void {
  response
    .writeHead(status, { 'content-type': 'text/xml' })
    .end(
      `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${xmlEscape(code)}</Code>` +
        `<Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
    );
}

/** `Tags.member.1.Key=…&Tags.member.1.Value=…`, the Query protocol's list of tags. */
function tagsOf(form: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let index = 1; form.has(`Tags.member.${index}.Key`); index += 1) {
    tags[form.get(`Tags.member.${index}.Key`)!] = form.get(`Tags.member.${index}.Value`) ?? '';
  }
  return tags;
}

const stsCalls: DescribeCalls = (request) => {
  const form = new URLSearchParams(request.body.toString('utf8'));
  if (form.get('Action') !== 'AssumeRole') return [];
  const roleArn = form.get('RoleArn') ?? '';
  const tags = tagsOf(form);
  const context = {
    ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
  };
  const calls: AwsCall[] = [{ action: 'sts:AssumeRole', resource: roleArn, context }];
  if (Object.keys(tags).length) calls.push({ action: 'sts:TagSession', resource: roleArn, context });
  return calls;
};

export const stsService: ProtectedService = {
  signingName: 'sts',
  calls: stsCalls,
  reply: (response, error) =>
    errorXml(
      response,
      error.status === 400 && error.code === 'AccessDeniedException' ? 403 : error.status,
      error.code === 'AccessDeniedException' ? 'AccessDenied' : error.code,
      error.message,
    ),
};

/**
 * STS's AssumeRole (and GetCallerIdentity) on the local platform, in the Query protocol the
 * SDK speaks: the caller's policies must allow `sts:AssumeRole` (and `sts:TagSession` for
 * tags) on the role, and the role's trust policy must admit the caller with those tags; the
 * session's credentials then carry the role's policies and the tags as principal tags.
 */
export async function startSts(options: { iam: LocalIam; port: number }): Promise<RunningServer> {
  const { iam } = options;
  const listener = iam.guard(stsService, (request: GuardedRequest, response) => {
    const form = new URLSearchParams(request.rawBody.toString('utf8'));
    const requestId = randomUUID();
    const caller = request.principal;
    const reply = (action: string, result: string) =>
      response
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(
          `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
            `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
        );
    switch (form.get('Action')) {
      case 'GetCallerIdentity':
        return reply(
          'GetCallerIdentity',
          `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>${xmlEscape(caller.arn)}</UserId><Account>${iam.credentials.accountId}</Account>`,
        );
      case 'AssumeRole': {
        const roleArn = iam.canonicalArn(form.get('RoleArn') ?? '');
        const sessionName = form.get('RoleSessionName') ?? '';
        const role = iam.credentials.role(roleArn);
        if (!role) return errorXml(response, 403, 'AccessDenied', `Not authorized to assume ${roleArn}: no such role.`);
        if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
          return errorXml(response, 400, 'ValidationError', 'RoleSessionName must be 2 to 64 of [\\w+=,.@-].');
        }
        const seconds = Number(form.get('DurationSeconds') ?? 3600);
        if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
          return errorXml(response, 400, 'ValidationError', 'DurationSeconds must be between 900 and 43200.');
        }
        const tags = tagsOf(form);
        const context = {
          'aws:PrincipalArn': caller.kind === 'role' ? caller.role.arn : caller.arn,
          ...Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:RequestTag/${key}`, value])),
        };
        const account = {
          arn: caller.kind === 'role' ? caller.role.arn : caller.arn,
          accountId: iam.credentials.accountId,
        };
        const admitted =
          caller.kind === 'operator' ||
          (trustAllows(role.trust, account, 'sts:AssumeRole', context) &&
            (Object.keys(tags).length === 0 || trustAllows(role.trust, account, 'sts:TagSession', context)));
        if (!admitted) {
          return errorXml(
            response,
            403,
            'AccessDenied',
            `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
          );
        }
        const session = iam.credentials.issueSession(role, sessionName, tags, seconds);
        const roleName = roleArn.slice(roleArn.indexOf(':role/') + ':role/'.length);
        return reply(
          'AssumeRole',
          `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId>` +
            `<SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>` +
            `<SessionToken>${session.sessionToken}</SessionToken>` +
            `<Expiration>${session.expiration.toISOString()}</Expiration></Credentials>` +
            `<AssumedRoleUser><AssumedRoleId>AROALOCAL:${xmlEscape(sessionName)}</AssumedRoleId>` +
            `<Arn>arn:aws:sts::${iam.credentials.accountId}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(sessionName)}</Arn>` +
            `</AssumedRoleUser><PackedPolicySize>${Object.keys(tags).length}</PackedPolicySize>`,
        );
      }
      default:
        return errorXml(
          response,
          400,
          'InvalidAction',
          `The local STS does not support ${form.get('Action') ?? 'that action'}.`,
        );
    }
  });
  return startHttpServer(listener, options.port);
}
