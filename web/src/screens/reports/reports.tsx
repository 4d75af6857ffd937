import { useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { Page as ApiPage, ReportRequest, ReportView } from '../../api/types';
import { hasRole, useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { FormError, SelectField, SubmitButton, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';
import { ReportStatus, useReportProgress } from './request-report';

/** Reports: ask for one (report cards of a class, the school's analytics), see each one's progress, download the PDF. */
export default function Reports() {
  const { me, format } = useApp();
  const [resource, reload] = useApiGet<ApiPage<ReportView>>('/api/v1/reports', { limit: 50 });
  const reports = resource.data?.items;
  return (
    <Page title={t('reports.title')} ready={Boolean(reports)}>
      {hasRole(me, 'school-admin', 'teacher') ? <NewReport onQueued={reload} /> : null}
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!reports ? (
        <Loading />
      ) : reports.length === 0 ? (
        <EmptyState title={t('reports.none')} />
      ) : (
        <Table
          caption={t('reports.title')}
          rows={reports}
          rowKey={(report) => report.id}
          columns={[
            { header: t('reports.kind'), cell: (report) => t(`reports.kind.${report.kind}`) },
            { header: t('reports.requestedAt'), cell: (report) => format.dateTime(report.requestedAt) },
            { header: t('reports.statusHeader'), cell: (report) => <LiveStatus report={report} /> },
          ]}
        />
      )}
    </Page>
  );
}

function LiveStatus({ report }: { report: ReportView }) {
  const current = useReportProgress(report);
  return current ? <ReportStatus report={current} /> : null;
}

function NewReport({ onQueued }: { onQueued: () => void }) {
  const { api, me, notify } = useApp();
  const terms = useLookup('/api/v1/terms');
  const classes = useLookup('/api/v1/classes');
  const [kind, setKind] = useState<'report-cards' | 'school-analytics'>('report-cards');
  const [termId, setTermId] = useState('');
  const [classId, setClassId] = useState('');
  const form = useSubmission(
    () => {
      const request: ReportRequest = kind === 'school-analytics' ? { kind } : { kind, termId, classId };
      return api.post<ReportView>('/api/v1/reports', request);
    },
    () => {
      notify(t('reports.queued'));
      onQueued();
    },
  );
  const kinds = hasRole(me, 'school-admin')
    ? (['report-cards', 'school-analytics'] as const)
    : (['report-cards'] as const);
  return (
    <Card title={t('reports.newTitle')}>
      <form class="form" onSubmit={form.run} noValidate>
        <FormError error={form.error} />
        <SelectField
          label={t('reports.kind')}
          value={kind}
          onValue={(value) => setKind(value as typeof kind)}
          options={kinds.map((value) => ({ value, label: t(`reports.kind.${value}`) }))}
        />
        {kind === 'report-cards' ? (
          <div class="form-row">
            <SelectField
              label={t('fees.term')}
              value={termId}
              onValue={setTermId}
              placeholder={t('common.choose')}
              options={(terms ?? []).map((term) => ({ value: term.id, label: term.name }))}
              error={form.fieldError('termId')}
              required
            />
            <SelectField
              label={t('students.class')}
              value={classId}
              onValue={setClassId}
              placeholder={t('common.choose')}
              options={(classes ?? []).map((item) => ({ value: item.id, label: item.name }))}
              error={form.fieldError('classId') ?? form.fieldError('studentId')}
              required
            />
          </div>
        ) : null}
        <div class="form-actions">
          <SubmitButton busy={form.busy}>{t('reports.request')}</SubmitButton>
        </div>
      </form>
    </Card>
  );
}
