import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, typed } from '../../shared/data-api';
import { notFound } from '../../shared/http';
import { escapeHtml, linkPage } from '../link-pages';
import { languageOf, type MessageLanguage, unsubscribableKinds } from '../../shared/notification-kinds';

/** What an unsubscribe link is about, as its page says it. */
export interface UnsubscribeTarget {
  readonly schoolName: string;
  readonly language: MessageLanguage;
  readonly category: string;
  /** The recipient no longer gets this category by e-mail. */
  readonly stopped: boolean;
}

/**
 * SQL (CTEs): the e-mail of the link (`link`: its recipient, category and language), and the
 * recipient's channels for its category as they stand (`current`: chosen, or the school's default).
 */
const linkSql = `link AS (
    SELECT m.recipient_id, m.recipient_kind, q.category, m.locale
      FROM notification_messages m JOIN notification_requests q ON q.id = m.request_id
     WHERE m.id = :messageId AND m.channel = 'email'
       AND q.kind IN (SELECT jsonb_array_elements_text(:kinds::jsonb))
  ),
  current AS (
    SELECT l.*, coalesce(p.channels -> l.category, n.default_channels -> l.category, '[]') AS channels
      FROM link l CROSS JOIN notification_settings n LEFT JOIN notification_preferences p ON p.person_id = l.recipient_id
  )`;

const parameters = (messageId: string) => ({
  messageId: typed.uuid(messageId),
  kinds: typed.json(unsubscribableKinds),
});

function targetOf(row: { schoolName: string; locale: string; category: string; stopped: boolean } | undefined) {
  if (!row) throw notFound('The e-mail of this link');
  return { schoolName: row.schoolName, language: languageOf(row.locale), category: row.category, stopped: row.stopped };
}

/** What the link is about, changing nothing (mail scanners open links): one round trip. */
export async function describeUnsubscribeLink(db: DataApiSession, messageId: string): Promise<UnsubscribeTarget> {
  const [row] = await db.query<{ schoolName: string; locale: string; category: string; stopped: boolean }>(
    `WITH ${linkSql}
     SELECT (SELECT name FROM school_settings) AS "schoolName", c.locale, c.category,
            NOT c.channels ? 'email' AS stopped
       FROM current c`,
    parameters(messageId),
  );
  return targetOf(row);
}

/**
 * The recipient of the link's e-mail no longer gets its category by e-mail, in one audited
 * statement: their channels for it become what they were without e-mail (in the app they still
 * see everything). Following the link again changes nothing and writes nothing.
 */
export async function unsubscribeByLink(db: DataApiSession, messageId: string): Promise<UnsubscribeTarget> {
  const [row] = await db.query<{ schoolName: string; locale: string; category: string; stopped: boolean }>(
    `WITH ${linkSql},
     before AS (SELECT p.* FROM notification_preferences p WHERE p.person_id IN (SELECT recipient_id FROM current)),
     changed AS (
       INSERT INTO notification_preferences (person_id, person_kind, channels)
       SELECT c.recipient_id, c.recipient_kind,
              jsonb_build_object(c.category, (SELECT coalesce(jsonb_agg(channel), '[]')
                                                FROM jsonb_array_elements_text(c.channels) channel
                                               WHERE channel <> 'email'))
         FROM current c
        WHERE c.channels ? 'email'
       ON CONFLICT (person_id) DO UPDATE
          SET channels = notification_preferences.channels || excluded.channels, updated_at = now()
       RETURNING *
     ),
     ${auditEntry({
       action: 'unsubscribe',
       entity: 'notification-preferences',
       before: 'before',
       after: 'changed',
       rows: 'one',
       key: ['person_id'],
       entityId: '(SELECT person_id::text FROM changed)',
       people: ['person_id'],
     })}
     SELECT (SELECT name FROM school_settings) AS "schoolName", c.locale, c.category, true AS stopped
       FROM current c`,
    parameters(messageId),
  );
  return targetOf(row);
}

const words = {
  en: {
    title: 'Unsubscribe',
    ask: 'Stop e-mails about {category} from {school}?',
    button: 'Stop these e-mails',
    done: 'You will no longer get e-mails about {category} from {school}.',
    still:
      'You still see these messages in the Campus Cloud app, and you can choose again in your notification preferences.',
    categories: {
      absence: 'absences',
      risk: 'attendance and progress notices',
      fees: 'fees',
      announcements: 'announcements',
      reports: 'reports',
      account: 'your account',
    },
  },
  pt: {
    title: 'Cancelar subscrição',
    ask: 'Deixar de receber e-mails sobre {category} de {school}?',
    button: 'Deixar de receber estes e-mails',
    done: 'Deixará de receber e-mails sobre {category} de {school}.',
    still:
      'Continua a ver estas mensagens na aplicação Campus Cloud e pode voltar a escolher nas suas preferências de notificações.',
    categories: {
      absence: 'faltas',
      risk: 'avisos de assiduidade e de progresso',
      fees: 'propinas',
      announcements: 'avisos da escola',
      reports: 'relatórios',
      account: 'a sua conta',
    },
  },
} as const;

/** The link's page, in the recipient's language: the question and its button, or what was stopped. */
export function unsubscribePage(target: UnsubscribeTarget): string {
  const said = words[target.language];
  const category = said.categories[target.category as keyof typeof said.categories] ?? target.category;
  const fill = (text: string) =>
    escapeHtml(text.replace('{category}', category).replace('{school}', target.schoolName));
  const content = target.stopped
    ? `<h1>${fill(said.done)}</h1><p>${escapeHtml(said.still)}</p>`
    : `<h1>${fill(said.ask)}</h1><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
      `<button type="submit">${escapeHtml(said.button)}</button></form><p>${escapeHtml(said.still)}</p>`;
  return linkPage({ language: target.language, title: said.title, schoolName: target.schoolName, content });
}
