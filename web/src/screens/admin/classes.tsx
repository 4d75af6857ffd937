import { useState } from 'preact/hooks';
import { forgetLookup, useLookup } from '../../api/lookups';
import type { Page as ApiPage, StaffMember } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

interface SchoolClass {
  readonly id: string;
  readonly academicYearId: string;
  readonly gradeLevelId: string;
  readonly name: string;
  readonly homeroomTeacherId: string | null;
}

/** Classes (by grade, with their home-room teacher) and subjects: list and add. */
export default function ClassesAndSubjects() {
  const { api, notify } = useApp();
  const [classes, reloadClasses] = useApiGet<ApiPage<SchoolClass>>('/api/v1/classes', { limit: 200 });
  const [subjects, reloadSubjects] = useApiGet<ApiPage<{ id: string; code: string; name: string }>>(
    '/api/v1/subjects',
    {
      limit: 200,
    },
  );
  const [staff] = useApiGet<ApiPage<StaffMember>>('/api/v1/staff', { limit: 200, status: 'active' });
  const grades = useLookup('/api/v1/grade-levels');
  const years = useLookup('/api/v1/academic-years');
  const teachers = (staff.data?.items ?? []).filter((member) => member.role === 'teacher');
  const nameOf = (list: readonly { id: string; name: string }[] | undefined, id: string | null) =>
    id ? (list?.find((item) => item.id === id)?.name ?? '') : '—';
  const [draft, setDraft] = useState({ academicYearId: '', gradeLevelId: '', name: '', homeroomTeacherId: '' });
  const addClass = useSubmission(
    () =>
      api.post<SchoolClass>('/api/v1/classes', {
        academicYearId: draft.academicYearId || years?.at(-1)?.id,
        gradeLevelId: draft.gradeLevelId,
        name: draft.name,
        ...(draft.homeroomTeacherId ? { homeroomTeacherId: draft.homeroomTeacherId } : {}),
      }),
    (created) => {
      forgetLookup('/api/v1/classes');
      notify(t('classes.added', { name: created.name }));
      setDraft({ ...draft, name: '' });
      reloadClasses();
    },
  );
  const [subject, setSubject] = useState({ code: '', name: '' });
  const addSubject = useSubmission(
    () => api.post<{ name: string }>('/api/v1/subjects', subject),
    (created) => {
      forgetLookup('/api/v1/subjects');
      notify(t('classes.subjectAdded', { name: created.name }));
      setSubject({ code: '', name: '' });
      reloadSubjects();
    },
  );
  return (
    <Page title={t('classes.title')} ready={Boolean(classes.data && subjects.data)}>
      <div class="grid-2">
        <Card title={t('classes.classes')}>
          {classes.status === 'error' ? <ErrorState error={classes.error} onRetry={reloadClasses} /> : null}
          {!classes.data ? (
            <Loading />
          ) : classes.data.items.length === 0 ? (
            <EmptyState title={t('classes.none')} />
          ) : (
            <Table
              compact
              caption={t('classes.classes')}
              rows={classes.data.items}
              rowKey={(item) => item.id}
              columns={[
                {
                  header: t('classes.name'),
                  cell: (item) => <a href={`/classes/${item.id}/attendance`}>{item.name}</a>,
                },
                { header: t('classes.grade'), cell: (item) => nameOf(grades, item.gradeLevelId) },
                { header: t('classes.homeroom'), cell: (item) => nameOf(staff.data?.items, item.homeroomTeacherId) },
              ]}
            />
          )}
          <form class="form" onSubmit={addClass.run} noValidate>
            <h3 class="subheading">{t('classes.addClass')}</h3>
            <FormError error={addClass.error} />
            <div class="form-row">
              <SelectField
                label={t('classes.grade')}
                value={draft.gradeLevelId}
                onValue={(gradeLevelId) => setDraft({ ...draft, gradeLevelId })}
                placeholder={t('common.choose')}
                options={(grades ?? []).map((grade) => ({ value: grade.id, label: grade.name }))}
                error={addClass.fieldError('gradeLevelId')}
              />
              <TextField
                label={t('classes.name')}
                value={draft.name}
                onValue={(name) => setDraft({ ...draft, name })}
                error={addClass.fieldError('name')}
              />
            </div>
            <div class="form-row">
              <SelectField
                label={t('settings.year')}
                value={draft.academicYearId || years?.at(-1)?.id || ''}
                onValue={(academicYearId) => setDraft({ ...draft, academicYearId })}
                options={(years ?? []).map((year) => ({ value: year.id, label: year.name }))}
                error={addClass.fieldError('academicYearId')}
              />
              <SelectField
                label={t('classes.homeroom')}
                value={draft.homeroomTeacherId}
                onValue={(homeroomTeacherId) => setDraft({ ...draft, homeroomTeacherId })}
                placeholder={t('classes.noHomeroom')}
                options={teachers.map((teacher) => ({ value: teacher.id, label: teacher.name }))}
                error={addClass.fieldError('homeroomTeacherId')}
              />
            </div>
            <div class="form-actions">
              <SubmitButton busy={addClass.busy}>{t('classes.addClass')}</SubmitButton>
            </div>
          </form>
        </Card>
        <Card title={t('classes.subjects')}>
          {subjects.status === 'error' ? <ErrorState error={subjects.error} onRetry={reloadSubjects} /> : null}
          {!subjects.data ? (
            <Loading />
          ) : (
            <Table
              compact
              caption={t('classes.subjects')}
              rows={subjects.data.items}
              rowKey={(item) => item.id}
              columns={[
                { header: t('classes.subjectCode'), cell: (item) => item.code },
                { header: t('classes.subjectName'), cell: (item) => item.name },
              ]}
            />
          )}
          <form class="form" onSubmit={addSubject.run} noValidate>
            <h3 class="subheading">{t('classes.addSubject')}</h3>
            <FormError error={addSubject.error} />
            <div class="form-row">
              <TextField
                label={t('classes.subjectCode')}
                value={subject.code}
                onValue={(code) => setSubject({ ...subject, code })}
                error={addSubject.fieldError('code')}
              />
              <TextField
                label={t('classes.subjectName')}
                value={subject.name}
                onValue={(name) => setSubject({ ...subject, name })}
                error={addSubject.fieldError('name')}
              />
            </div>
            <div class="form-actions">
              <SubmitButton busy={addSubject.busy}>{t('classes.addSubject')}</SubmitButton>
            </div>
          </form>
        </Card>
      </div>
    </Page>
  );
}
