import { messages, type MessageKey } from './messages.en';

export type { MessageKey };
export type MessageParams = Record<string, string | number>;

const plurals = new Map<string, Intl.PluralRules>();

/** Whether the catalogue has a key made at run time (a kind or status the API names). */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}

/** The text for a key, `{name}` placeholders filled; a plural entry is chosen by `params.count`. */
export function t(key: MessageKey, params: MessageParams = {}): string {
  const entry = messages[key] as string | Readonly<Record<string, string>>;
  let text: string;
  if (typeof entry === 'string') text = entry;
  else {
    const locale = (typeof document === 'undefined' ? '' : document.documentElement.lang) || 'en';
    let rules = plurals.get(locale);
    if (!rules) plurals.set(locale, (rules = new Intl.PluralRules(locale)));
    const count = Number(params.count ?? 0);
    text = entry[count === 0 && entry.zero ? 'zero' : rules.select(count)] ?? entry.other ?? '';
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
