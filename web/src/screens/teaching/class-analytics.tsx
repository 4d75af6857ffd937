import { useState } from 'preact/hooks';
import { useTerms } from '../../api/lookups';
import type { AtRiskStudent, ClassGrades } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import type { ScreenProps } from '../../screens';
import { BarChart } from '../../ui/charts';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';

/** A class's analytics: who is at risk and why, and how the class does per subject this term. */
export default function ClassAnalytics({ params }: ScreenProps) {
  const { format } = useApp();
  const classId = params.classId!;
  const [classInfo] = useApiGet<{ name: string }>(`/api/v1/classes/${encodeURIComponent(classId)}`);
  const [atRisk, reload] = useApiGet<{ items: AtRiskStudent[]; threshold: number }>('/api/v1/analytics/at-risk', {
    classId,
    limit: 100,
  });
  const { terms, current } = useTerms();
  const [termId, setTermId] = useState('');
  const chosen = termId || current?.id || '';
  const [grades] = useApiGet<ClassGrades>(
    chosen ? `/api/v1/classes/${encodeURIComponent(classId)}/grades` : undefined,
    {
      termId: chosen,
    },
  );
  const bySubject = new Map<string, number[]>();
  for (const student of grades.data?.students ?? [])
    for (const subject of student.subjects)
      bySubject.set(subject.subject, [...(bySubject.get(subject.subject) ?? []), subject.percent]);
  const averages = [...bySubject].map(([subject, percents]) => ({
    label: subject,
    axisLabel: subject.slice(0, 4),
    value: percents.reduce((a, b) => a + b, 0) / percents.length,
  }));
  return (
    <Page
      title={classInfo.data ? t('classAnalytics.title', { name: classInfo.data.name }) : t('classAnalytics.titlePlain')}
      ready={atRisk.status !== 'loading'}
    >
      <Card title={t('classAnalytics.atRisk')}>
        {atRisk.status === 'error' ? <ErrorState error={atRisk.error} onRetry={reload} /> : null}
        {!atRisk.data ? (
          <Loading />
        ) : atRisk.data.items.length === 0 ? (
          <EmptyState title={t('classAnalytics.noneAtRisk')} />
        ) : (
          <Table
            caption={t('classAnalytics.atRisk')}
            rows={atRisk.data.items}
            rowKey={(student) => student.studentId}
            columns={[
              {
                header: t('student.name'),
                cell: (student) => <a href={`/students/${student.studentId}`}>{student.name}</a>,
              },
              { header: t('profile.risk'), cell: (student) => format.percent(student.risk), numeric: true },
              {
                header: t('classAnalytics.drivers'),
                cell: (student) => student.drivers.map((driver) => driver.text).join('; '),
                wide: true,
              },
            ]}
          />
        )}
      </Card>
      <Card title={t('classAnalytics.subjects')}>
        <SelectField
          label={t('fees.term')}
          value={chosen}
          onValue={setTermId}
          options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
        />
        {grades.status === 'error' ? <ErrorState error={grades.error} /> : null}
        {averages.length ? (
          <BarChart title={t('classAnalytics.averages')} data={averages} format={(value) => format.number(value, 1)} />
        ) : grades.status === 'ready' ? (
          <EmptyState title={t('profile.noGrades')} />
        ) : null}
      </Card>
    </Page>
  );
}
