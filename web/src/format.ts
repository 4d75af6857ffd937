/** How a school writes dates, numbers and money: from its settings (`locale`, `timezone`, `currency`). */
export interface SchoolFormat {
  readonly locale: string;
  readonly timeZone: string;
  readonly currency: string;
}

export interface Formatters {
  /** A calendar date (`2026-11-26`), written the school's way; never shifted by time zone. */
  date(isoDate: string | null | undefined, style?: 'short' | 'medium' | 'long'): string;
  /** An instant (an ISO timestamp), in the school's time zone. */
  dateTime(instant: string | null | undefined): string;
  /** Minor units (cents) as the school's currency. */
  money(minor: number | null | undefined): string;
  number(value: number | null | undefined, digits?: number): string;
  /** A 0–1 rate as a percentage. */
  percent(rate: number | null | undefined, digits?: number): string;
  /** A file's size in kB or MB, as the school writes numbers. */
  fileSize(bytes: number | null | undefined): string;
  /** Today in the school's time zone, as `YYYY-MM-DD`. */
  today(): string;
  weekday(isoDate: string): string;
}

const dash = '—';

/** ISO timestamps, and PostgreSQL's text form of them (`2026-11-26 23:37:13.47+00`). */
export function parseInstant(text: string): Date {
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

export function formatters(format: SchoolFormat): Formatters {
  const { locale, timeZone, currency } = format;
  const dates = {
    short: new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeZone: 'UTC' }),
    medium: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }),
    long: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
  };
  const instants = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const minorDigits = money.resolvedOptions().maximumFractionDigits ?? 2;
  const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const calendarDate = (iso: string) => new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  return {
    date: (iso, style = 'medium') => (iso ? dates[style].format(calendarDate(iso)) : dash),
    dateTime: (instant) => {
      if (!instant) return dash;
      const date = parseInstant(instant);
      return Number.isNaN(date.getTime()) ? instant : instants.format(date);
    },
    money: (minor) => (minor === null || minor === undefined ? dash : money.format(minor / 10 ** minorDigits)),
    number: (value, digits = 0) =>
      value === null || value === undefined
        ? dash
        : value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
    percent: (rate, digits = 0) =>
      rate === null || rate === undefined
        ? dash
        : rate.toLocaleString(locale, { style: 'percent', maximumFractionDigits: digits }),
    fileSize: (bytes) => {
      if (bytes === null || bytes === undefined) return dash;
      const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, 'kilobyte'] : [bytes / 1_000_000, 'megabyte'];
      return value.toLocaleString(locale, { style: 'unit', unit, maximumFractionDigits: 1 });
    },
    today: () => isoDay.format(new Date()),
    weekday: (iso) => weekday.format(calendarDate(iso)),
  };
}

/** Until the school's settings are known (sign-in, the operator's screens). */
export const defaultFormat: SchoolFormat = {
  locale: typeof navigator === 'undefined' ? 'en' : navigator.language || 'en',
  timeZone: 'UTC',
  currency: 'EUR',
};

/**
 * What someone typed as an amount (`1234.5`, `1 234,50`, `1.234,50`) in minor units, or
 * undefined if it is not one. The last `.` or `,` followed by at most `digits` digits is the
 * decimal separator; other separators and spaces group thousands.
 */
export function parseMoney(text: string, digits = 2): number | undefined {
  const cleaned = text.replace(/[\s\u00a0\u202f']/g, '');
  if (!/^\d[\d.,]*$/.test(cleaned)) return undefined;
  const match = new RegExp(`^(.*?)(?:[.,](\\d{1,${Math.max(digits, 1)}}))?$`).exec(cleaned);
  if (!match) return undefined;
  const whole = match[1]!.replace(/[.,]/g, '');
  if (!/^\d+$/.test(whole)) return undefined;
  const fraction = digits ? (match[2] ?? '').padEnd(digits, '0') : '';
  return Number(whole + fraction);
}
