import { useState } from 'preact/hooks';
import type { StudentAnalyticsView, StudentProfile } from '../../api/types';
import { hasRole, isNotFound, useApiGet, useApp } from '../../app-context';
import { gradeLabel } from '../../grading';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Card, Page, Stat } from '../../ui/page';
import { Table } from '../../ui/table';
import type { ScreenProps } from '../../screens';
import { AttendanceCalendar } from './attendance-calendar';
import { StatusBadge } from './student-list';
import { AnalyticsPanels } from './analytics-panels';
import { AccessLogCard } from '../privacy/access-log-card';
import { ConsentsCard } from '../privacy/consents-card';
import { DataRequestsCard } from '../privacy/data-requests-card';

/** One student: details, guardians, attendance, grades, fees, and what the analytics say. */
export default function StudentProfileScreen({ params }: ScreenProps) {
  const { me, format, settings } = useApp();
  const id = encodeURIComponent(params.studentId!);
  const [resource, reload] = useApiGet<StudentProfile>(`/api/v1/students/${id}`);
  const canSeeAnalytics = hasRole(me, 'school-admin', 'teacher');
  const [analytics] = useApiGet<StudentAnalyticsView>(canSeeAnalytics ? `/api/v1/analytics/students/${id}` : undefined);
  const [month, setMonth] = useState(format.today().slice(0, 7));
  const student = resource.data;
  if (resource.status === 'error' && isNotFound(resource.error)) {
    return (
      <Page title={t('profile.notFound')}>
        <a href="/students">{t('profile.back')}</a>
      </Page>
    );
  }
  return (
    <Page
      title={student ? `${student.givenName} ${student.familyName}` : t('profile.title')}
      subtitle={student ? `${student.admissionNo} · ${student.className ?? t('profile.noClass')}` : undefined}
      ready={Boolean(student)}
      actions={
        student && hasRole(me, 'school-admin') ? (
          <a class="button button-secondary" href={`/students/${id}/edit`}>
            {t('profile.edit')}
          </a>
        ) : undefined
      }
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!student ? (
        <Loading />
      ) : (
        <>
          <div class="stats">
            <Stat
              label={t('profile.attendanceRate')}
              value={format.percent(student.attendance.rate)}
              detail={t('calendar.summary', {
                present: student.attendance.present,
                days: student.attendance.days,
                rate: format.percent(student.attendance.rate),
              })}
            />
            <Stat
              label={t('profile.feeBalance')}
              value={format.money(student.feeBalanceMinor)}
              tone={student.feeBalanceMinor > 0 ? 'warn' : 'good'}
            />
            {student.risk ? (
              <Stat
                label={t('profile.risk')}
                value={format.percent(student.risk.risk)}
                tone={student.risk.risk >= 0.5 ? 'bad' : 'good'}
                detail={t('profile.scoredAt', { when: format.dateTime(student.risk.scoredAt) })}
              />
            ) : null}
          </div>
          <div class="grid-2">
            <Card title={t('profile.details')}>
              <dl class="details">
                <dt>{t('student.status')}</dt>
                <dd>
                  <StatusBadge status={student.status} />
                </dd>
                <dt>{t('student.dateOfBirth')}</dt>
                <dd>{format.date(student.dateOfBirth)}</dd>
                <dt>{t('student.enrolledOn')}</dt>
                <dd>{format.date(student.enrolledOn)}</dd>
                {student.withdrawnOn ? (
                  <>
                    <dt>{t('student.withdrawnOn')}</dt>
                    <dd>{format.date(student.withdrawnOn)}</dd>
                  </>
                ) : null}
                <dt>{t('student.repeatedYears')}</dt>
                <dd>{format.number(student.repeatedYears)}</dd>
              </dl>
            </Card>
            <Card title={t('profile.guardians')}>
              {student.guardians.length === 0 ? (
                <EmptyState title={t('profile.noGuardians')} />
              ) : (
                <ul class="plain-list">
                  {student.guardians.map((guardian) => (
                    <li key={guardian.id}>
                      <strong>{guardian.name}</strong> <Badge>{guardian.relationship}</Badge>
                      <br />
                      <span class="muted">{[guardian.email, guardian.phone].filter(Boolean).join(' · ')}</span>
                    </li>
                  ))}
                </ul>
              )}
            </Card>
            <Card title={t('profile.attendance')}>
              <AttendanceCalendar path={`/api/v1/students/${id}/attendance`} month={month} onMonth={setMonth} />
            </Card>
            <Card title={t('profile.grades')}>
              {student.latestGrades.length === 0 ? (
                <EmptyState title={t('profile.noGrades')} />
              ) : (
                <Table
                  compact
                  caption={t('profile.grades')}
                  rows={student.latestGrades}
                  rowKey={(grade) => `${grade.subject}-${grade.term}`}
                  columns={[
                    { header: t('grades.subject'), cell: (grade) => grade.subject },
                    { header: t('grades.term'), cell: (grade) => grade.term },
                    { header: t('grades.percent'), cell: (grade) => format.number(grade.percent, 1), numeric: true },
                    { header: t('grades.grade'), cell: (grade) => gradeLabel(grade.percent, settings?.gradingScale) },
                  ]}
                />
              )}
            </Card>
          </div>
          {canSeeAnalytics ? <AnalyticsPanels analytics={analytics} risk={student.risk} /> : null}
          {hasRole(me, 'school-admin') ? (
            <>
              <ConsentsCard
                studentId={params.studentId!}
                guardians={student.guardians.map((guardian) => ({ id: guardian.id, name: guardian.name }))}
              />
              <AccessLogCard studentId={params.studentId!} />
              <DataRequestsCard studentId={params.studentId!} />
            </>
          ) : null}
        </>
      )}
    </Page>
  );
}
