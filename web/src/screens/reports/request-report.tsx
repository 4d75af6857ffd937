import { useEffect, useState } from 'preact/hooks';
import type { ReportRequest, ReportView } from '../../api/types';
import { useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import { ErrorState } from '../../ui/feedback';
import { useSubmission } from '../../ui/forms';

const pollMs = 1500;

/** Follows a queued report until it is done or failed (the worker renders it in the background). */
export function useReportProgress(report: ReportView | undefined): ReportView | undefined {
  const { api } = useApp();
  const [current, setCurrent] = useState(report);
  useEffect(() => setCurrent(report), [report]);
  useEffect(() => {
    if (!current || current.status === 'done' || current.status === 'failed') return;
    const timer = setTimeout(() => {
      api.get<ReportView>(`/api/v1/reports/${current.id}`).then(setCurrent, () => undefined);
    }, pollMs);
    return () => clearTimeout(timer);
  }, [api, current]);
  return current;
}

/** The state of one report in words, with its PDF link once done. */
export function ReportStatus({ report }: { report: ReportView }) {
  if (report.status === 'done' && report.downloadUrl) {
    return (
      <a class="button button-secondary" href={report.downloadUrl} target="_blank" rel="noopener">
        {t('reports.download', { pages: report.pages ?? 0 })}
      </a>
    );
  }
  if (report.status === 'failed')
    return <span class="badge badge-bad">{t('reports.failed', { reason: report.failure ?? '' })}</span>;
  return (
    <span class="progress-inline" role="status">
      <span class="spinner" aria-hidden="true" /> {t(`reports.status.${report.status}`)}
    </span>
  );
}

/** Asks for a report (a report card, a fee statement…) and follows it to its PDF. */
export function RequestReportButton({ request, label }: { request: ReportRequest; label: string }) {
  const { api } = useApp();
  const [queued, setQueued] = useState<ReportView | undefined>(undefined);
  const ask = useSubmission(() => api.post<ReportView>('/api/v1/reports', request), setQueued);
  const report = useReportProgress(queued);
  return (
    <div class="report-request">
      {report ? (
        <ReportStatus report={report} />
      ) : (
        <button type="button" class="button button-secondary" disabled={ask.busy} onClick={() => ask.run()}>
          {label}
        </button>
      )}
      {ask.error ? <ErrorState error={ask.error} /> : null}
    </div>
  );
}
