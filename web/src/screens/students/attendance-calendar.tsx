import type { AttendanceStatus, StudentAttendance } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { ErrorState, Loading } from '../../ui/feedback';

function monthRange(month: string): { from: string; to: string } {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, monthIndex, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export function shiftMonth(month: string, by: number): string {
  const [year, monthIndex] = month.split('-').map(Number) as [number, number];
  const date = new Date(Date.UTC(year, monthIndex - 1 + by, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

const symbol: Record<AttendanceStatus, string> = { present: '✓', late: 'L', absent: '✗', excused: 'E' };

/** A month of a student's marks, Monday first, each day's status in words for screen readers. */
export function AttendanceCalendar({
  path,
  month,
  onMonth,
}: {
  path: string;
  month: string;
  onMonth: (month: string) => void;
}) {
  const { format } = useApp();
  const range = monthRange(month);
  const [resource, reload] = useApiGet<StudentAttendance>(path, range);
  const byDate = new Map((resource.data?.days ?? []).map((day) => [day.date, day]));
  const first = new Date(`${range.from}T00:00:00Z`);
  const lead = (first.getUTCDay() + 6) % 7;
  const days = Number(range.to.slice(8));
  const cells = new Array<string | undefined>(lead).fill(undefined);
  for (let day = 1; day <= days; day++) cells.push(`${month}-${String(day).padStart(2, '0')}`);
  const monthName = new Intl.DateTimeFormat(document.documentElement.lang || 'en', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(first);
  const summary = resource.data?.summary;
  // Monday first: 2024-01-01 was a Monday.
  const weekdays = Array.from({ length: 7 }, (_, i) => format.weekday(`2024-01-0${i + 1}`));
  return (
    <div class="calendar">
      <div class="calendar-head">
        <button
          type="button"
          class="button button-ghost"
          onClick={() => onMonth(shiftMonth(month, -1))}
          aria-label={t('calendar.previous')}
        >
          ‹
        </button>
        <h3 aria-live="polite">{monthName}</h3>
        <button
          type="button"
          class="button button-ghost"
          onClick={() => onMonth(shiftMonth(month, 1))}
          aria-label={t('calendar.next')}
        >
          ›
        </button>
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {resource.status === 'loading' && !resource.data ? <Loading /> : null}
      <div class="calendar-grid calendar-weekdays" aria-hidden="true">
        {weekdays.map((day) => (
          <span key={day}>{day}</span>
        ))}
      </div>
      <ol class="calendar-grid" aria-label={monthName}>
        {cells.map((date, index) => {
          if (!date) return <li key={`lead-${index}`} class="calendar-blank" aria-hidden="true" />;
          const mark = byDate.get(date);
          const label = `${format.date(date, 'long')}: ${mark ? t(`attendance.${mark.status}`) : t('calendar.noMark')}`;
          return (
            <li key={date} class={`calendar-day ${mark ? `mark-${mark.status}` : ''}`} title={mark?.note ?? undefined}>
              <span class="calendar-date" aria-hidden="true">
                {Number(date.slice(8))}
              </span>
              <span class="calendar-mark" aria-hidden="true">
                {mark ? symbol[mark.status] : ''}
              </span>
              <span class="visually-hidden">{label}</span>
            </li>
          );
        })}
      </ol>
      {summary ? (
        <p class="muted">
          {t('calendar.summary', { present: summary.present, days: summary.days, rate: format.percent(summary.rate) })}
        </p>
      ) : null}
    </div>
  );
}
