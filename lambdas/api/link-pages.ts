import { notFound } from '../shared/http';
import type { MessageLanguage } from '../shared/notification-kinds';
import { readSchoolRecord } from '../shared/school-records';
import { schoolSessionFor } from '../shared/school-session';
import type { ApiRequest } from './api-handler';

/**
 * What the public pages an e-mail's link opens share (unsubscribe, invitation): the school of
 * the link under its own role, and one plain page shell, readable with no app and no script.
 */

/** The link's school, if it is ACTIVE, under its own role, naming the link as the writer of what it changes. */
export async function schoolSessionOfLink(schoolId: string, request: ApiRequest, actor: string) {
  const school = await readSchoolRecord(schoolId);
  if (school?.status !== 'ACTIVE') throw notFound('The e-mail of this link');
  return schoolSessionFor(school, { actor, requestId: request.event.requestContext.requestId });
}

/** Never cached: a link's page says what stands now. */
export const noStore = { 'cache-control': 'no-store' };

export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A link's page: its title and school in the head, `content` (HTML) as its body. */
export function linkPage(page: { language: MessageLanguage; title: string; schoolName: string; content: string }) {
  return `<!doctype html><html lang="${page.language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(page.title)} · ${escapeHtml(page.schoolName)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:36rem;padding:0 1rem;color:#1b2733}
h1{font-size:1.3rem}button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#1f5fa8;color:#fff}
label{display:block;margin:1rem 0 .25rem;font-weight:600}input{font:inherit;padding:.5rem;width:100%;box-sizing:border-box}
.error{color:#a11a1a}.hint{color:#4f5966;font-size:.9rem}a.button{display:inline-block;padding:.6rem 1.2rem;border-radius:.4rem;background:#1f5fa8;color:#fff;text-decoration:none}</style>
</head><body><main>${page.content}</main></body></html>`;
}
