import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import { startHttpServer, type RunningServer } from '../http-server';
import type { GuardedRequest, LocalIam } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import type { Mailbox } from './mailbox';

/**
 * AWS End User Messaging SMS (the `pinpoint-sms-voice-v2` API) as the platform calls it, over
 * the local mailbox: SendTextMessage and the opt-out lists. JSON 1.0 with the service's
 * exception names and reasons, so the unchanged `@aws-sdk/client-pinpoint-sms-voice-v2`
 * reaches it through `AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2`. A number on the opt-out list
 * is refused as the service refuses it (ConflictException, DESTINATION_PHONE_NUMBER_OPTED_OUT).
 */

/** E.164: a plus, a country code that does not start with 0, at most 15 digits. */
export const e164 = /^\+[1-9]\d{1,14}$/;

class SmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const defaultOptOutList = 'Default';
const arnPrefix = (iam: LocalIam) => `arn:aws:sms-voice:${iam.region}:${iam.credentials.accountId}`;

const sendTextMessage = z.object({
  DestinationPhoneNumber: z.string(),
  OriginationIdentity: z.string().optional(),
  MessageBody: z.string().min(1).max(1600),
  MessageType: z.enum(['TRANSACTIONAL', 'PROMOTIONAL']).default('TRANSACTIONAL'),
  ConfigurationSetName: z.string().optional(),
  Context: z.record(z.string(), z.string()).optional(),
  DryRun: z.boolean().optional(),
});

export async function startLocalSms(options: {
  mailbox: Mailbox;
  port: number;
  iam: LocalIam;
}): Promise<RunningServer> {
  const { mailbox, iam } = options;
  const listName = (value: unknown) => {
    const name = typeof value === 'string' && value ? value.split('/').at(-1)! : defaultOptOutList;
    if (name !== defaultOptOutList && !mailbox.optedOut(name).length && !/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      throw new SmsError('ValidationException', `Invalid opt-out list ${name}.`, { Reason: 'INVALID_PARAMETER' });
    }
    return name;
  };
  const number = (value: unknown, field: string) => {
    if (typeof value !== 'string' || !e164.test(value)) {
      throw new SmsError('ValidationException', `${field} must be a phone number in E.164 format.`, {
        Reason: 'INVALID_PARAMETER',
        Fields: [{ Name: field, Message: 'Not in E.164 format.' }],
      });
    }
    return value;
  };
  const optedOutShape = (list: string, entry: { number: string; time: string; endUser: boolean }) => ({
    OptOutListArn: `${arnPrefix(iam)}:opt-out-list/${list}`,
    OptOutListName: list,
    OptedOutNumber: entry.number,
    OptedOutTimestamp: Date.parse(entry.time) / 1000,
    EndUserOptedOut: entry.endUser,
  });

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    SendTextMessage(body) {
      const parsed = sendTextMessage.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new SmsError('ValidationException', `${issue.path.join('.')}: ${issue.message}`, {
          Reason: 'INVALID_PARAMETER',
        });
      }
      const input = parsed.data;
      const to = number(input.DestinationPhoneNumber, 'DestinationPhoneNumber');
      if (mailbox.isOptedOut(defaultOptOutList, to)) {
        throw new SmsError('ConflictException', 'The destination phone number is opted out.', {
          Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT',
          ResourceType: 'opt-out-list',
          ResourceId: defaultOptOutList,
        });
      }
      if (input.DryRun) return { MessageId: 'dry-run' };
      const sent = mailbox.addSms({
        to,
        ...(input.OriginationIdentity ? { from: input.OriginationIdentity } : {}),
        body: input.MessageBody,
        messageType: input.MessageType,
        ...(input.ConfigurationSetName ? { configurationSet: input.ConfigurationSetName } : {}),
        context: input.Context ?? {},
      });
      return { MessageId: sent.id };
    },
    PutOptedOutNumber(body) {
      const list = listName(body.OptOutListName);
      return optedOutShape(list, mailbox.optOut(list, number(body.OptedOutNumber, 'OptedOutNumber')));
    },
    DeleteOptedOutNumber(body) {
      const list = listName(body.OptOutListName);
      const target = number(body.OptedOutNumber, 'OptedOutNumber');
      const entry = mailbox.optedOut(list).find((e) => e.number === target);
      if (!entry || !mailbox.optIn(list, target)) {
        throw new SmsError('ResourceNotFoundException', `${target} is not on ${list}.`, {
          ResourceType: 'opted-out-number',
          ResourceId: target,
        });
      }
      return optedOutShape(list, entry);
    },
    DescribeOptedOutNumbers(body) {
      const list = listName(body.OptOutListName);
      const only = Array.isArray(body.OptedOutNumbers) ? (body.OptedOutNumbers as string[]) : undefined;
      return {
        OptOutListArn: `${arnPrefix(iam)}:opt-out-list/${list}`,
        OptOutListName: list,
        OptedOutNumbers: mailbox
          .optedOut(list)
          .filter((entry) => !only || only.includes(entry.number))
          .map((entry) => ({
            OptedOutNumber: entry.number,
            OptedOutTimestamp: Date.parse(entry.time) / 1000,
            EndUserOptedOut: entry.endUser,
          })),
      };
    },
  };

  const listener = (request: GuardedRequest, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('PinpointSMSVoiceV2.') ? target.slice('PinpointSMSVoiceV2.'.length) : '';
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    try {
      if (!Object.hasOwn(operations, operation)) {
        throw new SmsError('ValidationException', `The local SMS service does not support ${target}.`, {
          Reason: 'UNKNOWN_OPERATION',
        });
      }
      const text = request.rawBody.toString('utf8');
      reply(200, operations[operation]!(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
    } catch (error) {
      if (error instanceof SmsError) {
        const status =
          error.type === 'ResourceNotFoundException' ? 404 : error.type === 'ConflictException' ? 409 : 400;
        reply(status, { __type: error.type, Message: error.message, ...error.fields });
      } else if (error instanceof SyntaxError) reply(400, { __type: 'ValidationException', Message: error.message });
      else reply(500, { __type: 'InternalServerException', Message: String(error) });
    }
  };
  return startHttpServer(iam.guard(protectedServices.sms, listener), options.port);
}
