import { useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { Page as ApiPage, Student, StudentStatus } from '../../api/types';
import { hasRole, useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { setQuery, useLocation } from '../../router';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField, TextField } from '../../ui/forms';
import { Badge, Page } from '../../ui/page';
import { Pager, Table } from '../../ui/table';

const statuses: StudentStatus[] = ['active', 'withdrawn', 'graduated'];

export function StatusBadge({ status }: { status: StudentStatus }) {
  return <Badge tone={status === 'active' ? 'good' : 'neutral'}>{t(`student.status.${status}`)}</Badge>;
}

/** Students: search by name or admission number, filter by class and status, a page at a time. */
export default function StudentList() {
  const { me, format } = useApp();
  const { search } = useLocation();
  const classes = useLookup('/api/v1/classes');
  const filters = {
    q: search.get('q') ?? '',
    classId: search.get('classId') ?? '',
    status: search.get('status') ?? 'active',
    cursor: search.get('cursor') ?? undefined,
  };
  const [typed, setTyped] = useState(filters.q);
  const [resource, reload] = useApiGet<ApiPage<Student>>('/api/v1/students', {
    q: filters.q || undefined,
    classId: filters.classId || undefined,
    status: filters.status || undefined,
    cursor: filters.cursor,
    limit: 25,
  });
  const page = resource.data;
  return (
    <Page
      title={t('students.title')}
      ready={resource.status !== 'loading'}
      actions={
        hasRole(me, 'school-admin') ? (
          <a class="button" href="/students/new">
            {t('students.add')}
          </a>
        ) : undefined
      }
    >
      <form
        class="filters"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ q: typed.trim(), cursor: undefined });
        }}
      >
        <TextField
          label={t('students.search')}
          type="search"
          value={typed}
          onValue={setTyped}
          hint={t('students.searchHint')}
          onBlur={() => setQuery({ q: typed.trim(), cursor: undefined })}
        />
        <SelectField
          label={t('students.class')}
          value={filters.classId}
          onValue={(classId) => setQuery({ classId, cursor: undefined })}
          placeholder={t('students.allClasses')}
          options={(classes ?? []).map((item) => ({ value: item.id, label: item.name }))}
        />
        <SelectField
          label={t('students.status')}
          value={filters.status}
          onValue={(status) => setQuery({ status, cursor: undefined })}
          options={statuses.map((status) => ({ value: status, label: t(`student.status.${status}`) }))}
        />
        <button type="submit" class="button button-secondary">
          {t('students.searchButton')}
        </button>
      </form>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!page ? (
        <Loading />
      ) : page.items.length === 0 ? (
        <EmptyState title={t('students.none')}>{filters.q ? <p>{t('students.noneHint')}</p> : null}</EmptyState>
      ) : (
        <>
          <Table
            caption={t('students.title')}
            rows={page.items}
            rowKey={(student) => student.id}
            columns={[
              {
                header: t('student.name'),
                cell: (student) => (
                  <a href={`/students/${student.id}`}>{`${student.familyName}, ${student.givenName}`}</a>
                ),
              },
              { header: t('student.admissionNo'), cell: (student) => student.admissionNo },
              { header: t('student.class'), cell: (student) => student.className ?? '—' },
              { header: t('student.dateOfBirth'), cell: (student) => format.date(student.dateOfBirth), wide: true },
              { header: t('student.status'), cell: (student) => <StatusBadge status={student.status} />, wide: true },
            ]}
          />
          <Pager cursor={filters.cursor} nextCursor={page.nextCursor} onPage={(cursor) => setQuery({ cursor })} />
        </>
      )}
    </Page>
  );
}
