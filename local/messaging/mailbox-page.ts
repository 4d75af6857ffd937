import type { IncomingMessage, ServerResponse } from 'node:http';
import { recipientsOf } from './addresses';
import type { DeliveryEvent, Mailbox, SentMessage } from './mailbox';

/** Where the local platform serves its mailbox, beside the app. */
export const mailboxMountPath = '/local/mail';

const escape = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const styles = `
body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1b1f24}
header{background:#1e3a8a;color:#fff;padding:1rem 1.5rem}header h1{margin:0;font-size:1.25rem}
header p{margin:.25rem 0 0;opacity:.9}main{padding:1rem 1.5rem;max-width:60rem}
form.filter{margin-bottom:1rem}article{background:#fff;border:1px solid #d5dae1;border-radius:.5rem;margin-bottom:1rem;padding:1rem}
article h2{margin:0 0 .5rem;font-size:1.05rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:0 0 .75rem;font-size:.9rem}
dt{color:#4f5966}dd{margin:0;word-break:break-all}pre{white-space:pre-wrap;background:#f5f6f8;padding:.75rem;border-radius:.25rem;margin:0 0 .75rem}
iframe{width:100%;min-height:16rem;border:1px solid #d5dae1;border-radius:.25rem;background:#fff}
.events{font-size:.85rem;color:#4f5966;margin:.5rem 0}.actions{display:flex;gap:.5rem;flex-wrap:wrap}
button{font:inherit;padding:.3rem .7rem;border-radius:.25rem;border:1px solid #1d4ed8;background:#fff;color:#1d4ed8;cursor:pointer}
.tag{display:inline-block;font-size:.75rem;padding:.05rem .4rem;border-radius:.25rem;background:#e0e9ff;margin-right:.4rem}
.warn{background:#fff2db;color:#8a4b00}`;

function events(list: readonly DeliveryEvent[]): string {
  if (!list.length) return '';
  return `<p class="events">${list
    .map((e) => escape(`${e.time.slice(11, 19)} ${e.type}${e.subType ? ` (${e.subType})` : ''} → ${e.recipient}`))
    .join(' · ')}</p>`;
}

function action(id: string, what: string, label: string, recipient?: string): string {
  return `<form method="post" action="${mailboxMountPath}/${encodeURIComponent(id)}/${what}">${
    recipient ? `<input type="hidden" name="recipient" value="${escape(recipient)}">` : ''
  }<button type="submit">${escape(label)}</button></form>`;
}

function article(message: SentMessage, mailbox: Mailbox): string {
  const sentAt = `<dt>Sent</dt><dd><time datetime="${message.time}">${escape(message.time)}</time></dd>`;
  if (message.kind === 'sms') {
    return `<article aria-labelledby="m-${message.id}"><h2 id="m-${message.id}"><span class="tag">SMS</span>${escape(message.to)}</h2>
<dl>${message.from ? `<dt>From</dt><dd>${escape(message.from)}</dd>` : ''}<dt>To</dt><dd>${escape(message.to)}</dd>${sentAt}
<dt>Type</dt><dd>${message.messageType}</dd></dl><pre>${escape(message.body)}</pre>${events(mailbox.eventsOf(message.id))}
<div class="actions">${action(message.id, 'stop', 'Reply STOP')}${action(message.id, 'no-such-number', 'No such number')}${action(message.id, 'blocked', 'Blocked by the carrier')}</div></article>`;
  }
  if (message.kind === 'push') {
    const bytes = Buffer.from(message.body, 'base64').length;
    return `<article aria-labelledby="m-${message.id}"><h2 id="m-${message.id}"><span class="tag">Push</span>${escape(message.endpoint)}</h2>
<dl><dt>From</dt><dd>${escape(message.subscriber)}</dd>${sentAt}<dt>Urgency</dt><dd>${escape(message.urgency)}</dd>
<dt>Kept for</dt><dd>${message.ttl} s</dd>${message.topic ? `<dt>Topic</dt><dd>${escape(message.topic)}</dd>` : ''}</dl>
<p>${bytes} bytes, encrypted for the browser (aes128gcm): only it can read them.</p>${
      mailbox.isGone(message.endpoint)
        ? '<p class="tag warn">Subscription expired: further pushes are refused (410)</p>'
        : `<div class="actions">${action(message.id, 'expire', 'Expire the subscription')}</div>`
    }</article>`;
  }
  const recipients = recipientsOf(message);
  const header = (name: string) =>
    Object.entries(message.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const unsubscribe = header('List-Unsubscribe');
  return `<article aria-labelledby="m-${message.id}"><h2 id="m-${message.id}"><span class="tag">E-mail</span>${escape(message.subject)}</h2>
<dl><dt>From</dt><dd>${escape(message.from)}</dd><dt>To</dt><dd>${escape(message.to.join(', '))}</dd>${
    message.cc.length ? `<dt>Cc</dt><dd>${escape(message.cc.join(', '))}</dd>` : ''
  }${message.bcc.length ? `<dt>Bcc</dt><dd>${escape(message.bcc.join(', '))}</dd>` : ''}${
    message.replyTo.length ? `<dt>Reply to</dt><dd>${escape(message.replyTo.join(', '))}</dd>` : ''
  }${sentAt}${unsubscribe ? `<dt>Unsubscribe</dt><dd>${escape(unsubscribe)}${header('List-Unsubscribe-Post') ? ' (one click)' : ''}</dd>` : ''}${
    message.configurationSet ? `<dt>Configuration set</dt><dd>${escape(message.configurationSet)}</dd>` : ''
  }</dl>${
    message.suppressed.length
      ? `<p class="tag warn">Not delivered to ${escape(message.suppressed.join(', '))}: on the suppression list</p>`
      : ''
  }${
    message.html
      ? `<iframe sandbox title="${escape(message.subject)}" srcdoc="${escape(message.html)}"></iframe>`
      : `<pre>${escape(message.text ?? '')}</pre>`
  }${events(mailbox.eventsOf(message.id))}<div class="actions">${recipients
    .filter((r) => !message.suppressed.includes(r))
    .map(
      (r) =>
        action(message.id, 'bounce', `Bounce for ${r}`, r) + action(message.id, 'complaint', `Complaint from ${r}`, r),
    )
    .join('')}</div></article>`;
}

function page(mailbox: Mailbox, to: string | undefined): string {
  const messages = mailbox.list(to);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local mailbox</title><style>${styles}</style></head><body>
<header><h1>Local mailbox</h1><p>Every e-mail, text message and browser push the local platform sent. None left this machine.</p></header>
<main><form class="filter" method="get" action="${mailboxMountPath}"><label>Recipient <input name="to" value="${escape(to ?? '')}"></label> <button type="submit">Show</button></form>
${messages.length ? messages.map((m) => article(m, mailbox)).join('\n') : '<p>Nothing sent yet.</p>'}</main></body></html>`;
}

async function formOf(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The mailbox page (`/local/mail`): every message rendered as its recipient sees it, newest
 * first (`?to=` for one recipient), with its delivery events, and the recipient's side
 * simulated: a bounce or a complaint for an e-mail, a STOP reply or a carrier's failure for a text message, an expired
 * subscription for a push.
 * `/local/mail/messages.json` gives the same as JSON for scripts and tests.
 */
export function mailboxPage(mailbox: Mailbox) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const rest = url.pathname.slice(mailboxMountPath.length);
    const send = (status: number, type: string, body: string): void => {
      response
        .writeHead(status, {
          'content-type': type,
          'cache-control': 'no-store',
          'content-security-policy':
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-src 'self'; form-action 'self'; base-uri 'none'",
        })
        .end(body);
    };
    if (request.method === 'GET' && (rest === '' || rest === '/')) {
      return send(200, 'text/html; charset=utf-8', page(mailbox, url.searchParams.get('to') ?? undefined));
    }
    if (request.method === 'GET' && rest === '/messages.json') {
      const to = url.searchParams.get('to') ?? undefined;
      const messages = mailbox.list(to).map((m) => ({ ...m, events: mailbox.eventsOf(m.id) }));
      return send(200, 'application/json', JSON.stringify({ messages }));
    }
    const simulated = /^\/([^/]+)\/(bounce|complaint|stop|no-such-number|blocked|expire)$/.exec(rest);
    if (request.method === 'POST' && simulated) {
      // A page elsewhere must not make the browser simulate feedback here.
      const origin = request.headers.origin;
      if (origin && new URL(origin).host !== request.headers.host) return send(403, 'text/plain', 'Cross-origin form.');
      formOf(request).then(
        (form) => {
          const id = decodeURIComponent(simulated[1]!);
          try {
            const message = mailbox.get(id);
            if (simulated[2] === 'stop') mailbox.simulateStopReply(id);
            else if (simulated[2] === 'no-such-number') mailbox.simulateTextFailure(id, 'TEXT_INVALID');
            else if (simulated[2] === 'blocked') mailbox.simulateTextFailure(id, 'TEXT_BLOCKED');
            else if (simulated[2] === 'expire') {
              if (message?.kind !== 'push') throw new Error(`No push ${id}.`);
              mailbox.expireEndpoint(message.endpoint);
            } else {
              mailbox.simulateEmailFeedback(
                id,
                form.get('recipient') ?? '',
                simulated[2] === 'bounce' ? 'Bounce' : 'Complaint',
              );
            }
          } catch (error) {
            send(400, 'text/plain', (error as Error).message);
            return;
          }
          response.writeHead(303, { location: `${mailboxMountPath}#m-${id}` }).end();
        },
        (error: unknown) => send(400, 'text/plain', String(error)),
      );
      return;
    }
    send(404, 'text/plain', 'Not found.');
  };
}
