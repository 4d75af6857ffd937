import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import { languageOf, type MessageLanguage, roleWords } from '../../shared/notification-kinds';
import { escapeHtml, linkPage } from '../link-pages';

/** How long an invitation's link works after it was sent. */
export const invitationDays = 7;

/** An invitation as its page shows it. */
export interface InvitationView {
  readonly schoolName: string;
  readonly language: MessageLanguage;
  readonly name: string;
  /** The sign-in name: the address the account was made for. */
  readonly email: string;
  readonly role: string;
  readonly personId: string;
  readonly personKind: 'staff' | 'guardian';
  readonly status: 'open' | 'accepted' | 'expired';
}

interface InvitationRow {
  schoolName: string;
  locale: string;
  name: string;
  email: string;
  role: string;
  personId: string;
  personKind: 'staff' | 'guardian';
  accepted: boolean;
  expired: boolean;
}

/**
 * SQL (a CTE named `invitation`): the invitation e-mail `:messageId`, with the person it invited
 * while they are still of the school (a member of staff still active, a guardian still tied to
 * the account), whether it was used, and whether its week is over.
 */
const invitationSql = `invitation AS (
    SELECT m.id, m.recipient_id AS "personId", m.recipient_kind AS "personKind", m.locale,
           q.payload->>'role' AS role, coalesce(st.name, g.name) AS name, lower(coalesce(st.email, g.email)) AS email,
           EXISTS (SELECT 1 FROM invitation_acceptances a WHERE a.message_id = m.id) AS accepted,
           coalesce(m.sent_at, m.queued_at) < now() - make_interval(days => ${invitationDays}) AS expired
      FROM notification_messages m
      JOIN notification_requests q ON q.id = m.request_id
      LEFT JOIN staff st ON m.recipient_kind = 'staff' AND st.id = m.recipient_id AND st.status = 'active'
      LEFT JOIN guardians g ON m.recipient_kind = 'guardian' AND g.id = m.recipient_id AND g.user_sub IS NOT NULL
     WHERE m.id = :messageId AND m.channel = 'email' AND q.kind = 'invitation'
       AND m.status NOT IN ('queued', 'sending', 'failed', 'over-budget')
       AND (st.id IS NOT NULL OR g.id IS NOT NULL)
  )`;

function viewOf(row: InvitationRow | undefined): InvitationView {
  if (!row) throw notFound('The invitation of this link');
  return {
    schoolName: row.schoolName,
    language: languageOf(row.locale),
    name: row.name,
    email: row.email,
    role: row.role,
    personId: row.personId,
    personKind: row.personKind,
    status: row.accepted ? 'accepted' : row.expired ? 'expired' : 'open',
  };
}

/** The invitation's columns, `accepted` as the statement knows it (by default, as it was read). */
const columns = (accepted = 'i.accepted') =>
  `(SELECT name FROM school_settings) AS "schoolName", i.locale, i.name, i.email, i.role, i."personId",
  i."personKind", ${accepted} AS accepted, i.expired`;

/** The invitation of a link, changing nothing (mail scanners open links): one round trip. */
export async function describeInvitation(db: DataApiSession, messageId: string): Promise<InvitationView> {
  const [row] = await db.query<InvitationRow>(`WITH ${invitationSql} SELECT ${columns()} FROM invitation i`, {
    messageId: typed.uuid(messageId),
  });
  return viewOf(row);
}

/**
 * Records that the invitation was used, in one audited statement, if it is still open; the
 * password was set just before. Returns the invitation as it now stands.
 */
export async function recordAcceptance(db: DataApiSession, messageId: string): Promise<InvitationView> {
  const [row] = await db.query<InvitationRow>(
    `WITH ${invitationSql},
     changed AS (
       INSERT INTO invitation_acceptances (message_id, person_id, person_kind)
       SELECT id, "personId", "personKind" FROM invitation WHERE NOT accepted AND NOT expired
       ON CONFLICT (message_id) DO NOTHING
       RETURNING *
     ),
     ${auditEntry({
       action: 'accept',
       entity: 'invitation',
       after: 'changed',
       rows: 'one',
       entityId: '(SELECT message_id::text FROM changed)',
       people: ['person_id'],
     })}
     SELECT ${columns('(i.accepted OR EXISTS (SELECT 1 FROM changed))')}
       FROM invitation i`,
    { messageId: typed.uuid(messageId) },
  );
  return viewOf(row);
}

const words = {
  en: {
    title: 'Your invitation',
    heading: '{school} invites you',
    lead: 'Welcome, {name}. You are invited as {role}. Choose a password to sign in with {email}.',
    password: 'Password',
    confirm: 'The same password again',
    rules: 'At least 12 characters, with a lowercase and an uppercase letter, a digit and a symbol.',
    button: 'Choose my password',
    needs: 'The password needs {missing}.',
    mismatch: 'The two passwords are not the same.',
    done: 'Your password is set. Sign in to the school app with {email}.',
    signIn: 'Sign in',
    accepted: 'This invitation was already used. Sign in with {email} and the password chosen then.',
    expired: 'This invitation is more than 7 days old. Ask {school} to invite you again.',
    invalid: 'This invitation link is not valid. Open the link from the e-mail as it is, or ask the school again.',
  },
  pt: {
    title: 'O seu convite',
    heading: '{school} convida-o',
    lead: 'Bem-vindo(a), {name}. É convidado(a) como {role}. Escolha uma palavra-passe para entrar com {email}.',
    password: 'Palavra-passe',
    confirm: 'A mesma palavra-passe outra vez',
    rules: 'Pelo menos 12 caracteres, com uma letra minúscula e uma maiúscula, um algarismo e um símbolo.',
    button: 'Escolher a palavra-passe',
    needs: 'A palavra-passe precisa de {missing}.',
    mismatch: 'As duas palavras-passe não são iguais.',
    done: 'A sua palavra-passe está definida. Entre na aplicação da escola com {email}.',
    signIn: 'Entrar',
    accepted: 'Este convite já foi usado. Entre com {email} e a palavra-passe escolhida então.',
    expired: 'Este convite tem mais de 7 dias. Peça a {school} que o convide de novo.',
    invalid: 'Esta ligação de convite não é válida. Abra a ligação do e-mail tal como está, ou peça de novo à escola.',
  },
} as const;

/** What the page shows: the form (with what was wrong, if anything), the outcome, or why the link does not work. */
export type InvitationPageState =
  | { readonly show: 'form'; readonly token: string; readonly errors?: readonly string[] }
  | { readonly show: 'done' | 'accepted' | 'expired' };

/** The invitation's page, in the invited person's language. */
export function invitationPage(invitation: InvitationView, state: InvitationPageState, appOrigin: string): string {
  const said = words[invitation.language];
  const fill = (text: string) =>
    escapeHtml(
      text
        .replace('{school}', invitation.schoolName)
        .replace('{name}', invitation.name)
        .replace('{email}', invitation.email)
        .replace('{role}', roleWords[invitation.language][invitation.role] ?? invitation.role),
    );
  const signIn = `<p><a class="button" href="${escapeHtml(appOrigin)}/">${escapeHtml(said.signIn)}</a></p>`;
  let content = `<h1>${fill(said.heading)}</h1>`;
  if (state.show === 'form') {
    const errors = (state.errors ?? [])
      .map((error) => `<p class="error" role="alert">${escapeHtml(error)}</p>`)
      .join('');
    content +=
      `<p>${fill(said.lead)}</p>${errors}<form method="post">` +
      `<input type="hidden" name="token" value="${escapeHtml(state.token)}">` +
      `<input type="hidden" name="username" autocomplete="username" value="${escapeHtml(invitation.email)}">` +
      `<label for="password">${escapeHtml(said.password)}</label>` +
      `<input id="password" name="password" type="password" autocomplete="new-password" required minlength="12" aria-describedby="rules">` +
      `<p id="rules" class="hint">${escapeHtml(said.rules)}</p>` +
      `<label for="confirm">${escapeHtml(said.confirm)}</label>` +
      `<input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="12">` +
      `<p><button type="submit">${escapeHtml(said.button)}</button></p></form>`;
  } else {
    content += `<p>${fill(said[state.show])}</p>${state.show === 'expired' ? '' : signIn}`;
  }
  return linkPage({ language: invitation.language, title: said.title, schoolName: invitation.schoolName, content });
}

/** The page of a link whose token is not the stage's signature for it: nothing about the invitation is shown. */
export function invalidLinkPage(language: MessageLanguage = 'en'): string {
  const said = words[language];
  return linkPage({
    language,
    title: said.title,
    schoolName: 'Campus Cloud',
    content: `<p>${escapeHtml(said.invalid)}</p>`,
  });
}

/** The words a form's errors are said in. */
export function formErrorWords(language: MessageLanguage) {
  const said = words[language];
  return {
    needs: (missing: readonly string[]) => said.needs.replace('{missing}', missing.join(', ')),
    mismatch: said.mismatch,
  };
}
