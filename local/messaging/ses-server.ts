import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import { startHttpServer, type RunningServer } from '../http-server';
import { type GuardedRequest, type LocalIam, restJsonErrorReply } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import { mailboxAddress, recipientsOf } from './addresses';
import type { Mailbox } from './mailbox';

/**
 * Amazon SES API v2 as the platform calls it, over the local mailbox: SendEmail (simple and
 * raw content), the account-level suppression list and the account. REST with JSON bodies and
 * the service's exception names, so the unchanged `@aws-sdk/client-sesv2` reaches it through
 * `AWS_ENDPOINT_URL_SESV2`. As on SES, a recipient on the suppression list is accepted but
 * not attempted: the send succeeds and a bounce event (OnAccountSuppressionList) follows.
 */

class SesError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const address = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^@\s]+@[^@\s]+$/, 'is not an e-mail address');
const content = z.object({ Data: z.string(), Charset: z.string().optional() });
const sendEmail = z.object({
  FromEmailAddress: z.string().min(3),
  Destination: z
    .object({
      ToAddresses: z.array(address).optional(),
      CcAddresses: z.array(address).optional(),
      BccAddresses: z.array(address).optional(),
    })
    .optional(),
  ReplyToAddresses: z.array(address).optional(),
  Content: z.object({
    Simple: z
      .object({
        Subject: content,
        Body: z.object({ Text: content.optional(), Html: content.optional() }),
        Headers: z.array(z.object({ Name: z.string().min(1), Value: z.string() })).optional(),
      })
      .optional(),
    Raw: z.object({ Data: z.string() }).optional(),
    Template: z.unknown().optional(),
  }),
  ConfigurationSetName: z.string().optional(),
  EmailTags: z.array(z.object({ Name: z.string(), Value: z.string() })).optional(),
});

/** A raw MIME message's headers and its first text and HTML parts: enough to show it as received. */
function parseRaw(data: string) {
  const source = Buffer.from(data, 'base64').toString('utf8');
  const [head = '', ...rest] = source.split(/\r?\n\r?\n/);
  const headers = Object.fromEntries(
    head
      .replace(/\r?\n[ \t]+/g, ' ')
      .split(/\r?\n/)
      .map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]),
  ) as Record<string, string>;
  const list = (name: string) =>
    (headers[name] ?? '')
      .split(',')
      .map((part) => mailboxAddress(part))
      .filter(Boolean);
  return {
    headers,
    from: headers.From ?? '',
    to: list('To'),
    cc: list('Cc'),
    subject: headers.Subject ?? '',
    text: rest.join('\n\n'),
  };
}

function reply(response: ServerResponse, status: number, body?: unknown) {
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(body === undefined ? '' : JSON.stringify(body));
}

export async function startLocalSes(options: {
  mailbox: Mailbox;
  port: number;
  /** Checks each call's signature and its caller's IAM policies. */
  iam: LocalIam;
}): Promise<RunningServer> {
  const { mailbox } = options;
  const suppressionPath = '/v2/email/suppression/addresses';

  const send = (body: unknown) => {
    const parsed = sendEmail.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new SesError(400, 'BadRequestException', `${issue.path.join('.')}: ${issue.message}`);
    }
    const input = parsed.data;
    if (input.Content.Template) {
      throw new SesError(400, 'BadRequestException', 'The local SES sends simple and raw content, not templates.');
    }
    const tags = Object.fromEntries((input.EmailTags ?? []).map((tag) => [tag.Name, tag.Value]));
    const base = {
      from: input.FromEmailAddress,
      replyTo: input.ReplyToAddresses ?? [],
      ...(input.ConfigurationSetName ? { configurationSet: input.ConfigurationSetName } : {}),
      tags,
      bcc: input.Destination?.BccAddresses ?? [],
    };
    let email: Parameters<Mailbox['addEmail']>[0];
    if (input.Content.Simple) {
      const simple = input.Content.Simple;
      email = {
        ...base,
        to: input.Destination?.ToAddresses ?? [],
        cc: input.Destination?.CcAddresses ?? [],
        subject: simple.Subject.Data,
        ...(simple.Body.Text ? { text: simple.Body.Text.Data } : {}),
        ...(simple.Body.Html ? { html: simple.Body.Html.Data } : {}),
        headers: Object.fromEntries((simple.Headers ?? []).map((header) => [header.Name, header.Value])),
      };
      if (!email.text && !email.html) throw new SesError(400, 'BadRequestException', 'The message has no body.');
    } else if (input.Content.Raw) {
      const raw = parseRaw(input.Content.Raw.Data);
      email = {
        ...base,
        to: input.Destination?.ToAddresses ?? raw.to,
        cc: input.Destination?.CcAddresses ?? raw.cc,
        subject: raw.subject,
        text: raw.text,
        headers: raw.headers,
      };
    } else {
      throw new SesError(400, 'BadRequestException', 'Content needs Simple or Raw.');
    }
    if (!recipientsOf(email).length) {
      throw new SesError(400, 'BadRequestException', 'The message has no recipient.');
    }
    if (!address.safeParse(mailboxAddress(input.FromEmailAddress)).success) {
      throw new SesError(400, 'BadRequestException', 'FromEmailAddress is not an e-mail address.');
    }
    return { MessageId: mailbox.addEmail(email).id };
  };

  const listener = (request: GuardedRequest, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    try {
      const text = request.rawBody.toString('utf8');
      const body: unknown = text ? JSON.parse(text) : {};
      if (method === 'POST' && path === '/v2/email/outbound-emails') return reply(response, 200, send(body));
      if (method === 'GET' && path === '/v2/email/account') {
        return reply(response, 200, {
          SendingEnabled: true,
          ProductionAccessEnabled: true,
          EnforcementStatus: 'HEALTHY',
          SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
          SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: 1_000, SentLast24Hours: mailbox.list().length },
        });
      }
      if (method === 'PUT' && path === suppressionPath) {
        const input = z.object({ EmailAddress: address, Reason: z.enum(['BOUNCE', 'COMPLAINT']) }).safeParse(body);
        if (!input.success) throw new SesError(400, 'BadRequestException', 'EmailAddress and Reason are required.');
        mailbox.suppress(input.data.EmailAddress, input.data.Reason);
        return reply(response, 200, {});
      }
      if (method === 'GET' && path === suppressionPath) {
        return reply(response, 200, {
          SuppressedDestinationSummaries: mailbox.suppressed().map((s) => ({
            EmailAddress: s.email,
            Reason: s.reason,
            LastUpdateTime: Date.parse(s.time) / 1000,
          })),
        });
      }
      if (path.startsWith(`${suppressionPath}/`)) {
        const email = decodeURIComponent(path.slice(suppressionPath.length + 1));
        if (method === 'GET') {
          const found = mailbox.suppression(email);
          if (!found) throw new SesError(404, 'NotFoundException', `${email} is not on the suppression list.`);
          return reply(response, 200, {
            SuppressedDestination: {
              EmailAddress: found.email,
              Reason: found.reason,
              LastUpdateTime: Date.parse(found.time) / 1000,
            },
          });
        }
        if (method === 'DELETE') {
          if (!mailbox.unsuppress(email)) {
            throw new SesError(404, 'NotFoundException', `${email} is not on the suppression list.`);
          }
          return reply(response, 200, {});
        }
      }
      throw new SesError(404, 'NotFoundException', `The local SES does not serve ${method} ${path}.`);
    } catch (error) {
      const failure =
        error instanceof SesError
          ? error
          : error instanceof SyntaxError
            ? new SesError(400, 'BadRequestException', 'The body is not valid JSON.')
            : new SesError(500, 'InternalFailure', String(error));
      restJsonErrorReply(response, { status: failure.status, code: failure.type, message: failure.message });
    }
  };
  return startHttpServer(options.iam.guard(protectedServices.ses, listener), options.port);
}
