import {
  DeleteOptedOutNumberCommand,
  DescribeOptedOutNumbersCommand,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import {
  DeleteSuppressedDestinationCommand,
  GetSuppressedDestinationCommand,
  PutSuppressedDestinationCommand,
  SendEmailCommand,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Mailbox, type DeliveryEvent, type SentMessage } from '../../local/messaging/mailbox';
import { useLocalPlatform } from '../support/local-platform';

const platform = useLocalPlatform('messaging');

type Listed = SentMessage & { events: DeliveryEvent[] };

async function mailboxFor(to: string): Promise<Listed[]> {
  const response = await fetch(`${platform().url}/local/mail/messages.json?to=${encodeURIComponent(to)}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { messages: Listed[] }).messages;
}

async function simulate(id: string, what: 'bounce' | 'complaint' | 'stop', recipient?: string, origin?: string) {
  return fetch(`${platform().url}/local/mail/${encodeURIComponent(id)}/${what}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(origin ? { origin } : {}),
    },
    body: new URLSearchParams(recipient ? { recipient } : {}).toString(),
  });
}

const ses = () => new SESv2Client({});
const sms = () => new PinpointSMSVoiceV2Client({});

const email = (to: string, subject = 'Absence today') =>
  new SendEmailCommand({
    FromEmailAddress: 'Demo High School <no-reply@demo-high.example>',
    Destination: { ToAddresses: [to] },
    ConfigurationSetName: 'campus-local-notifications',
    EmailTags: [{ Name: 'category', Value: 'absence' }],
    Content: {
      Simple: {
        Subject: { Data: subject },
        Body: {
          Text: { Data: 'Ana was absent from 7A today.' },
          Html: { Data: '<p>Ana was <strong>absent</strong> from 7A today.</p>' },
        },
        Headers: [
          { Name: 'List-Unsubscribe', Value: '<https://demo-high.example/unsubscribe/abc>' },
          { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        ],
      },
    },
  });

describe('the local SES v2 endpoint, through the unchanged SDK client', () => {
  it('accepts an e-mail, keeps it as the recipient sees it, and reports its events on the default bus', async () => {
    const sent = await ses().send(email('guardian.one@example.com'));
    expect(sent.MessageId).toMatch(/^local-/);
    const [message] = await mailboxFor('Guardian.One@example.com');
    expect(message).toMatchObject({
      kind: 'email',
      id: sent.MessageId,
      from: 'Demo High School <no-reply@demo-high.example>',
      to: ['guardian.one@example.com'],
      subject: 'Absence today',
      html: '<p>Ana was <strong>absent</strong> from 7A today.</p>',
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      tags: { category: 'absence' },
      suppressed: [],
    });
    expect(message!.events.map((e) => e.type)).toEqual(['Send', 'Delivery']);
    const events = platform()
      .events.events()
      .filter(
        (e) =>
          e.source === 'aws.ses' && (e.detail as { mail: { messageId: string } }).mail.messageId === sent.MessageId,
      );
    expect(events.map((e) => e.detailType)).toEqual(['Email Sent', 'Email Delivered']);

    const page = await (await fetch(`${platform().url}/local/mail?to=guardian.one%40example.com`)).text();
    expect(page).toContain('Absence today');
    expect(page).toContain('(one click)');
    // The HTML body is shown in a sandboxed frame, escaped into its srcdoc, never run in the page.
    expect(page).toContain('srcdoc="&lt;p&gt;Ana was &lt;strong&gt;absent');
  });

  it('accepts a raw MIME message, its recipients read from its headers', async () => {
    const mime = [
      'From: Demo High School <no-reply@demo-high.example>',
      'To: Raw Reader <raw.reader@example.com>',
      'Subject: Report card ready',
      'List-Unsubscribe: <mailto:unsubscribe@demo-high.example>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The report card for term 1 is ready.',
    ].join('\r\n');
    const sent = await ses().send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@demo-high.example',
        Content: { Raw: { Data: new TextEncoder().encode(mime) } },
      }),
    );
    const [message] = await mailboxFor('raw.reader@example.com');
    expect(message).toMatchObject({
      id: sent.MessageId,
      to: ['raw.reader@example.com'],
      subject: 'Report card ready',
      text: 'The report card for term 1 is ready.',
      headers: { 'List-Unsubscribe': '<mailto:unsubscribe@demo-high.example>' },
    });
  });

  it('refuses an e-mail without a sender or a recipient with BadRequestException', async () => {
    await expect(
      ses().send(
        new SendEmailCommand({
          FromEmailAddress: 'not an address',
          Destination: { ToAddresses: ['a@example.com'] },
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException' });
    await expect(
      ses().send(
        new SendEmailCommand({
          FromEmailAddress: 'school@example.com',
          Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'BadRequestException', message: 'The message has no recipient.' });
  });

  it('accepts but never attempts an address on the suppression list, as SES does', async () => {
    await ses().send(new PutSuppressedDestinationCommand({ EmailAddress: 'gone@example.com', Reason: 'BOUNCE' }));
    const found = await ses().send(new GetSuppressedDestinationCommand({ EmailAddress: 'GONE@example.com' }));
    expect(found.SuppressedDestination).toMatchObject({ EmailAddress: 'gone@example.com', Reason: 'BOUNCE' });
    const sent = await ses().send(email('gone@example.com'));
    const [message] = await mailboxFor('gone@example.com');
    expect(message).toMatchObject({ id: sent.MessageId, suppressed: ['gone@example.com'] });
    expect(message!.events.map((e) => [e.type, e.subType])).toEqual([
      ['Send', undefined],
      ['Bounce', 'OnAccountSuppressionList'],
    ]);
    await ses().send(new DeleteSuppressedDestinationCommand({ EmailAddress: 'gone@example.com' }));
    await expect(
      ses().send(new GetSuppressedDestinationCommand({ EmailAddress: 'gone@example.com' })),
    ).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('simulates a complaint from the mailbox page: the address is suppressed and the event published', async () => {
    const sent = await ses().send(email('annoyed@example.com', 'Fees due'));
    const refused = await simulate(sent.MessageId!, 'complaint', 'annoyed@example.com', 'http://evil.example');
    expect(refused.status).toBe(403);
    const done = await simulate(sent.MessageId!, 'complaint', 'annoyed@example.com');
    expect(done.status).toBe(303);
    const found = await ses().send(new GetSuppressedDestinationCommand({ EmailAddress: 'annoyed@example.com' }));
    expect(found.SuppressedDestination?.Reason).toBe('COMPLAINT');
    const complaint = platform()
      .events.events('Email Complaint Received')
      .find((e) => (e.detail as { mail: { messageId: string } }).mail.messageId === sent.MessageId);
    expect(complaint?.detail).toMatchObject({
      eventType: 'Complaint',
      complaint: { complainedRecipients: [{ emailAddress: 'annoyed@example.com' }] },
    });
    // A bounce for someone who was not a recipient is refused.
    expect((await simulate(sent.MessageId!, 'bounce', 'other@example.com')).status).toBe(400);
  });

  it('lets only a caller whose role allows ses:SendEmail send, and refuses an unsigned call', async () => {
    const fn = platform().functions.byEntry('lambdas/api/students/students.handler.ts')!;
    const asFunction = new SESv2Client({ credentials: platform().credentialsOf(fn) });
    await expect(asFunction.send(email('someone@example.com'))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('ses:SendEmail'),
    });
    const unsigned = await fetch(`${platform().environment.AWS_ENDPOINT_URL_SESV2}/v2/email/outbound-emails`, {
      method: 'POST',
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
  });
});

describe('the local End User Messaging SMS endpoint, through the unchanged SDK client', () => {
  it('sends a transactional text to an E.164 number, refuses any other, and honours a STOP reply', async () => {
    const to = '+351912345678';
    const sent = await sms().send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: to,
        MessageBody: 'Ana was absent today.',
        MessageType: 'TRANSACTIONAL',
      }),
    );
    const [message] = await mailboxFor(to);
    expect(message).toMatchObject({ kind: 'sms', id: sent.MessageId, to, body: 'Ana was absent today.' });

    await expect(
      sms().send(new SendTextMessageCommand({ DestinationPhoneNumber: '912345678', MessageBody: 'x' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });

    expect((await simulate(sent.MessageId!, 'stop')).status).toBe(303);
    const listed = await sms().send(new DescribeOptedOutNumbersCommand({ OptOutListName: 'Default' }));
    expect(listed.OptedOutNumbers).toEqual([expect.objectContaining({ OptedOutNumber: to, EndUserOptedOut: true })]);
    await expect(
      sms().send(new SendTextMessageCommand({ DestinationPhoneNumber: to, MessageBody: 'Again' })),
    ).rejects.toMatchObject({ name: 'ConflictException', Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' });

    await sms().send(new DeleteOptedOutNumberCommand({ OptOutListName: 'Default', OptedOutNumber: to }));
    await sms().send(new SendTextMessageCommand({ DestinationPhoneNumber: to, MessageBody: 'Welcome back' }));
    expect((await mailboxFor(to)).map((m) => (m.kind === 'sms' ? m.body : ''))).toEqual([
      'Welcome back',
      'Ana was absent today.',
    ]);
  });

  it('keeps the mailbox, the suppression list and the opt-outs across a restart', () => {
    const reopened = new Mailbox(join(platform().stateDir, 'mailbox.jsonl'));
    expect(reopened.list('guardian.one@example.com')).toHaveLength(1);
    expect(reopened.suppression('annoyed@example.com')?.reason).toBe('COMPLAINT');
    expect(reopened.isOptedOut('Default', '+351912345678')).toBe(false);
    expect(reopened.list('+351912345678')).toHaveLength(2);
  });
});
