import { useEffect, useMemo, useState } from 'preact/hooks';
import { NetworkError } from '../../api/client';
import type { AttendanceStatus, ClassDaySheet, ClassMarks } from '../../api/types';
import { useApp, useResource } from '../../app-context';
import { t } from '../../i18n/i18n';
import { rememberRoster, rosterFor, type Roster } from '../../offline/rosters';
import { useOutbox } from '../../offline/sync-status';
import { setQuery, useLocation } from '../../router';
import type { ScreenProps } from '../../screens';
import { EmptyState, ErrorState, Loading, Notice } from '../../ui/feedback';
import { TextField } from '../../ui/forms';
import { Page } from '../../ui/page';

const statuses: AttendanceStatus[] = ['present', 'absent', 'late', 'excused'];
const short: Record<
  AttendanceStatus,
  'attendance.presentShort' | 'attendance.absentShort' | 'attendance.lateShort' | 'attendance.excusedShort'
> = {
  present: 'attendance.presentShort',
  absent: 'attendance.absentShort',
  late: 'attendance.lateShort',
  excused: 'attendance.excusedShort',
};

interface Mark {
  status: AttendanceStatus;
  note: string;
}

/**
 * A class's register for a day: everyone present until tapped otherwise, one save. Works
 * offline: the roster is kept from the last visit, and a save without a connection waits in
 * the browser until it can be sent.
 */
export default function AttendanceMarking({ params }: ScreenProps) {
  const { api, format, notify, outbox } = useApp();
  const classId = params.classId!;
  const { search } = useLocation();
  const date = search.get('date') ?? format.today();
  // Subscribed so the screen follows the outbox as registers are sent or refused.
  useOutbox();
  const waiting = outbox.waitingFor(classId, date);

  const [resource, reload] = useResource<{ roster: Roster; sheet?: ClassDaySheet; offline: boolean }>(
    async (signal) => {
      try {
        const [sheet, classInfo] = await Promise.all([
          api.get<ClassDaySheet>(`/api/v1/classes/${encodeURIComponent(classId)}/attendance/${date}`, { signal }),
          api.get<{ name: string }>(`/api/v1/classes/${encodeURIComponent(classId)}`, { signal }),
        ]);
        const roster: Roster = {
          classId,
          className: classInfo.name,
          students: sheet.students.map((s) => ({
            id: s.studentId,
            givenName: s.givenName,
            familyName: s.familyName,
            admissionNo: s.admissionNo,
          })),
        };
        await rememberRoster(roster);
        return { roster, sheet, offline: false };
      } catch (error) {
        const remembered = error instanceof NetworkError ? await rosterFor(classId) : undefined;
        if (!remembered) throw error;
        return { roster: remembered, offline: true };
      }
    },
    [classId, date],
  );
  const data = resource.status === 'ready' ? resource.data : undefined;

  const initial = useMemo(() => {
    const marks = new Map<string, Mark>();
    for (const student of data?.roster.students ?? []) marks.set(student.id, { status: 'present', note: '' });
    for (const row of data?.sheet?.students ?? [])
      if (row.status) marks.set(row.studentId, { status: row.status, note: row.note ?? '' });
    for (const mark of waiting?.marks ?? []) marks.set(mark.studentId, { status: mark.status, note: mark.note ?? '' });
    return marks;
    // Recomputed only when the register loads: a sync finishing must not undo the teacher's taps.
  }, [data]);
  const [marks, setMarks] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => setMarks(initial), [initial]);

  const set = (studentId: string, change: Partial<Mark>) =>
    setMarks((current) =>
      new Map(current).set(studentId, { ...(current.get(studentId) ?? { status: 'present', note: '' }), ...change }),
    );
  const counts = statuses.map(
    (status) => [status, [...marks.values()].filter((mark) => mark.status === status).length] as const,
  );
  const alreadyMarked = Boolean(data?.sheet && data.sheet.summary.unmarked < data.sheet.students.length);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!data || saving) return;
    setSaving(true);
    setError(undefined);
    try {
      const payload: ClassMarks['marks'] = data.roster.students.map((student) => {
        const mark = marks.get(student.id) ?? { status: 'present' as const, note: '' };
        return { studentId: student.id, status: mark.status, ...(mark.note.trim() ? { note: mark.note.trim() } : {}) };
      });
      const outcome = await outbox.save({ classId, className: data.roster.className, date, marks: payload });
      const absent = payload.filter((mark) => mark.status === 'absent').length;
      notify(outcome === 'sent' ? t('marking.saved', { count: payload.length, absent }) : t('marking.queued'));
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page
      title={data ? t('marking.title', { name: data.roster.className }) : t('marking.titlePlain')}
      subtitle={format.date(date, 'long')}
      ready={Boolean(data)}
    >
      <div class="filters">
        <TextField
          label={t('marking.date')}
          type="date"
          value={date}
          max={format.today()}
          onValue={(value) => value && setQuery({ date: value })}
        />
      </div>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {data?.offline ? <Notice tone="warn">{t('marking.offlineRoster')}</Notice> : null}
      {waiting ? (
        <Notice tone="warn">
          {waiting.refused ? (
            <>
              <p>{t('marking.refused', { reason: waiting.refused })}</p>
              <button type="button" class="button button-secondary" onClick={() => void outbox.discard(classId, date)}>
                {t('marking.discard')}
              </button>
            </>
          ) : (
            t('marking.waiting', { when: format.dateTime(waiting.queuedAt) })
          )}
        </Notice>
      ) : alreadyMarked ? (
        <Notice>{t('marking.alreadyMarked')}</Notice>
      ) : null}
      {!data ? (
        resource.status === 'loading' ? (
          <Loading />
        ) : null
      ) : data.roster.students.length === 0 ? (
        <EmptyState title={t('marking.noStudents')} />
      ) : (
        <form class="register" onSubmit={(event) => void save(event)}>
          <div class="register-tools">
            <p class="register-counts" aria-live="polite">
              {counts.map(([status, count]) => `${t(`attendance.${status}`)} ${count}`).join(' · ')}
            </p>
            <button
              type="button"
              class="button button-secondary"
              onClick={() => setMarks(new Map([...marks].map(([id, mark]) => [id, { ...mark, status: 'present' }])))}
            >
              {t('marking.allPresent')}
            </button>
          </div>
          <ul class="register-list">
            {data.roster.students.map((student) => {
              const mark = marks.get(student.id) ?? { status: 'present' as const, note: '' };
              const name = `${student.givenName} ${student.familyName}`;
              return (
                <li key={student.id} class={`register-row status-${mark.status}`} data-student={student.admissionNo}>
                  <fieldset>
                    <legend class="register-name">
                      {name}
                      <span class="register-admission">{student.admissionNo}</span>
                    </legend>
                    <div class="segmented">
                      {statuses.map((status) => (
                        <label key={status} class={`segment segment-${status}`}>
                          <input
                            type="radio"
                            name={`mark-${student.id}`}
                            value={status}
                            checked={mark.status === status}
                            onChange={() => set(student.id, { status })}
                          />
                          <span aria-hidden="true">{t(short[status])}</span>
                          <span class="visually-hidden">{t(`attendance.${status}`)}</span>
                        </label>
                      ))}
                    </div>
                    {mark.status !== 'present' ? (
                      <TextField
                        label={t('marking.note', { name })}
                        value={mark.note}
                        maxLength={500}
                        onValue={(note) => set(student.id, { note })}
                      />
                    ) : null}
                  </fieldset>
                </li>
              );
            })}
          </ul>
          {error ? <ErrorState error={error} /> : null}
          <div class="sticky-actions">
            <button type="submit" class="button button-large" disabled={saving} aria-busy={saving || undefined}>
              {saving ? t('common.saving') : t('marking.save', { count: data.roster.students.length })}
            </button>
          </div>
        </form>
      )}
    </Page>
  );
}
