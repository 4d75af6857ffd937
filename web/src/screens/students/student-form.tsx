import { useEffect, useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { NewStudent, Student, StudentChange, StudentProfile } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { navigate } from '../../router';
import type { ScreenProps } from '../../screens';
import { ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

interface Draft {
  admissionNo: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  classId: string;
  repeatedYears: string;
}

const empty: Draft = {
  admissionNo: '',
  givenName: '',
  familyName: '',
  dateOfBirth: '',
  classId: '',
  repeatedYears: '0',
};

/** Enrol a student, or change one's details and class; withdrawal is on the same screen for an existing student. */
export default function StudentForm({ params }: ScreenProps) {
  const { api, notify, format } = useApp();
  const editing = params.studentId ? encodeURIComponent(params.studentId) : undefined;
  const [existing, reload] = useApiGet<StudentProfile>(editing ? `/api/v1/students/${editing}` : undefined);
  const classes = useLookup('/api/v1/classes');
  const [draft, setDraft] = useState<Draft>(empty);
  useEffect(() => {
    const student = existing.data;
    if (student) {
      setDraft({
        admissionNo: student.admissionNo,
        givenName: student.givenName,
        familyName: student.familyName,
        dateOfBirth: student.dateOfBirth ?? '',
        classId: student.classId ?? '',
        repeatedYears: String(student.repeatedYears),
      });
    }
  }, [existing.data]);
  const field = (key: keyof Draft) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  const form = useSubmission(
    () => {
      const repeatedYears = Number(draft.repeatedYears || '0');
      if (editing) {
        const change: StudentChange = {
          givenName: draft.givenName,
          familyName: draft.familyName,
          dateOfBirth: draft.dateOfBirth || null,
          classId: draft.classId || null,
          repeatedYears,
        };
        return api.patch<Student>(`/api/v1/students/${editing}`, change);
      }
      const created: NewStudent = {
        admissionNo: draft.admissionNo,
        givenName: draft.givenName,
        familyName: draft.familyName,
        repeatedYears,
        ...(draft.dateOfBirth ? { dateOfBirth: draft.dateOfBirth } : {}),
        ...(draft.classId ? { classId: draft.classId } : {}),
      };
      return api.post<Student>('/api/v1/students', created);
    },
    (student) => {
      notify(
        editing
          ? t('studentForm.saved')
          : t('studentForm.created', { name: `${student.givenName} ${student.familyName}` }),
      );
      navigate(`/students/${student.id}`);
    },
  );
  if (editing && existing.status === 'error') return <ErrorState error={existing.error} onRetry={reload} />;
  if (editing && !existing.data) return <Loading />;
  return (
    <Page title={editing ? t('studentForm.editTitle') : t('studentForm.newTitle')}>
      <Card>
        <form class="form" onSubmit={form.run} noValidate>
          <FormError error={form.error} />
          <TextField
            label={t('student.admissionNo')}
            value={draft.admissionNo}
            onValue={field('admissionNo')}
            error={form.fieldError('admissionNo')}
            disabled={Boolean(editing)}
            required
            autoComplete="off"
          />
          <div class="form-row">
            <TextField
              label={t('student.givenName')}
              value={draft.givenName}
              onValue={field('givenName')}
              error={form.fieldError('givenName')}
              required
              autoComplete="off"
            />
            <TextField
              label={t('student.familyName')}
              value={draft.familyName}
              onValue={field('familyName')}
              error={form.fieldError('familyName')}
              required
              autoComplete="off"
            />
          </div>
          <div class="form-row">
            <TextField
              label={t('student.dateOfBirth')}
              type="date"
              value={draft.dateOfBirth}
              onValue={field('dateOfBirth')}
              error={form.fieldError('dateOfBirth')}
            />
            <SelectField
              label={t('student.class')}
              value={draft.classId}
              onValue={field('classId')}
              placeholder={t('studentForm.noClass')}
              options={(classes ?? []).map((item) => ({ value: item.id, label: item.name }))}
              error={form.fieldError('classId')}
            />
          </div>
          <TextField
            label={t('student.repeatedYears')}
            type="number"
            min={0}
            max={10}
            inputMode="numeric"
            value={draft.repeatedYears}
            onValue={field('repeatedYears')}
            error={form.fieldError('repeatedYears')}
            hint={t('studentForm.repeatedHint')}
          />
          <div class="form-actions">
            <SubmitButton busy={form.busy}>{editing ? t('common.save') : t('studentForm.enrol')}</SubmitButton>
            <a class="button button-ghost" href={editing ? `/students/${editing}` : '/students'}>
              {t('common.cancel')}
            </a>
          </div>
        </form>
      </Card>
      {editing && existing.data?.status === 'active' ? <Withdrawal studentId={editing} today={format.today()} /> : null}
    </Page>
  );
}

function Withdrawal({ studentId, today }: { studentId: string; today: string }) {
  const { api, notify } = useApp();
  const [on, setOn] = useState(today);
  const [reason, setReason] = useState('');
  const form = useSubmission(
    () => api.post<Student>(`/api/v1/students/${studentId}/withdraw`, { on, reason }),
    () => {
      notify(t('studentForm.withdrawn'));
      navigate(`/students/${studentId}`);
    },
  );
  return (
    <Card title={t('studentForm.withdrawTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <p class="muted">{t('studentForm.withdrawHint')}</p>
        <div class="form-row">
          <TextField
            label={t('studentForm.withdrawOn')}
            type="date"
            value={on}
            onValue={setOn}
            error={form.fieldError('on')}
            required
          />
          <TextField
            label={t('studentForm.reason')}
            value={reason}
            onValue={setReason}
            error={form.fieldError('reason')}
            required
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="button button-danger" disabled={form.busy}>
            {t('studentForm.withdraw')}
          </button>
        </div>
      </form>
    </Card>
  );
}
