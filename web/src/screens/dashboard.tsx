import type { SchoolDashboard } from '../api/types';
import { useApp, useResource } from '../app-context';
import { t } from '../i18n/i18n';
import { BarChart, LineChart, Meter } from '../ui/charts';
import { ErrorState, Loading } from '../ui/feedback';
import { Card, Page, Stat } from '../ui/page';

/** The school admin's home: today's attendance, its trend, the term's grades, risk and fees. */
export default function Dashboard() {
  const { api, format } = useApp();
  const [resource, reload] = useResource((signal) => api.get<SchoolDashboard>('/api/v1/dashboard', { signal }), []);
  const data = resource.data;
  return (
    <Page
      title={t('dashboard.title')}
      subtitle={data ? format.date(data.today, 'long') : undefined}
      ready={Boolean(data)}
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!data ? <Loading /> : <DashboardBody dashboard={data} />}
    </Page>
  );
}

function DashboardBody({ dashboard }: { dashboard: SchoolDashboard }) {
  const { format } = useApp();
  const overview = dashboard.risk;
  const today = dashboard.attendanceToday;
  const marked = today.present + today.late + today.absent + today.excused;
  const presentRate = marked ? (today.present + today.late) / marked : undefined;
  const fees = dashboard.fees;
  const requests = dashboard.privacyRequests;
  return (
    <>
      <div class="stats">
        <Stat
          label={t('dashboard.presentToday')}
          value={format.percent(presentRate)}
          detail={t('dashboard.markedOf', {
            marked: format.number(marked),
            total: format.number(marked + today.unmarked),
          })}
        />
        <Stat
          label={t('dashboard.atRisk')}
          value={format.number(overview.atRisk)}
          detail={t('dashboard.atRiskDetail', { scored: format.number(overview.scored) })}
          tone={overview.atRisk ? 'warn' : 'good'}
        />
        <Stat
          label={t('dashboard.collected')}
          value={format.money(fees.collectedMinor)}
          detail={t('dashboard.collectedOf', { due: format.money(fees.dueMinor) })}
        />
        <Stat
          label={t('dashboard.overdue')}
          value={format.money(fees.overdueMinor)}
          detail={t('dashboard.studentsOverdue', { count: fees.studentsOverdue })}
          tone={fees.overdueMinor ? 'bad' : 'good'}
        />
        <a
          class="stat-link"
          href={requests.overdue ? '/privacy/requests?status=overdue' : '/privacy/requests?status=open'}
        >
          <Stat
            label={t('dashboard.privacyRequests')}
            value={format.number(requests.open)}
            detail={
              requests.overdue
                ? t('dashboard.privacyOverdue', { count: requests.overdue })
                : requests.nextDueOn
                  ? t('dashboard.privacyNextDue', { date: format.date(requests.nextDueOn) })
                  : t('dashboard.privacyNoneDue')
            }
            tone={requests.overdue ? 'bad' : requests.open ? 'warn' : 'good'}
          />
        </a>
      </div>
      <div class="grid-2">
        <Card title={t('dashboard.todayTitle')}>
          <BarChart
            title={t('dashboard.todayChart')}
            data={[
              { label: t('attendance.present'), value: today.present },
              { label: t('attendance.late'), value: today.late },
              { label: t('attendance.absent'), value: today.absent },
              { label: t('attendance.excused'), value: today.excused },
              { label: t('attendance.unmarked'), value: today.unmarked },
            ]}
            format={(value) => format.number(value)}
            highlight={(_, index) => index === 2}
          />
        </Card>
        <Card title={t('dashboard.trendTitle')}>
          <LineChart
            title={t('dashboard.trendChart')}
            data={dashboard.attendanceTrend.map((day) => ({ label: format.date(day.date, 'short'), value: day.rate }))}
            format={(value) => format.percent(value, 1)}
            min={Math.min(0.5, ...dashboard.attendanceTrend.map((day) => day.rate))}
            max={1}
          />
        </Card>
        <Card
          title={
            dashboard.term ? t('dashboard.gradesTitle', { term: dashboard.term.name }) : t('dashboard.gradesNoTerm')
          }
        >
          <BarChart
            title={t('dashboard.gradesChart')}
            data={dashboard.gradeDistribution.map((band) => ({ label: band.label, value: band.results }))}
            format={(value) => format.number(value)}
          />
        </Card>
        <Card title={t('dashboard.riskTitle')}>
          <BarChart
            title={t('dashboard.riskChart', { threshold: format.percent(overview.threshold) })}
            data={overview.riskHistogram.map((students, tenth) => ({ label: `${tenth * 10}`, value: students }))}
            format={(value) => format.number(value)}
            highlight={(_, tenth) => tenth / 10 >= overview.threshold}
          />
          <p class="card-footer">
            <a href="/analytics/at-risk">{t('dashboard.seeAtRisk')}</a>
          </p>
        </Card>
        <Card title={t('dashboard.feesTitle')}>
          <Meter
            title={t('dashboard.feesMeter')}
            value={fees.collectedMinor}
            total={fees.dueMinor}
            format={(minor) => format.money(minor)}
          />
          <p class="muted">{t('dashboard.invoiced', { amount: format.money(fees.invoicedMinor) })}</p>
        </Card>
      </div>
    </>
  );
}
