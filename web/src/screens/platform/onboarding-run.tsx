import { useEffect } from 'preact/hooks';
import type { OnboardingRunDetail } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import type { ScreenProps } from '../../screens';
import { ErrorState, Loading, Notice } from '../../ui/feedback';
import { Badge, Card, Page } from '../../ui/page';
import { statusTone } from './schools';

/** One onboarding run: the school it brings live and each step so far, refreshed while it runs. */
export default function OnboardingRunScreen({ params }: ScreenProps) {
  const { format } = useApp();
  const [resource, reload] = useApiGet<OnboardingRunDetail>(
    `/api/v1/platform/onboarding-runs/${encodeURIComponent(params.runName!)}`,
  );
  const run = resource.data;
  useEffect(() => {
    if (run?.status !== 'RUNNING') return;
    const timer = setTimeout(reload, 2000);
    return () => clearTimeout(timer);
  }, [run, reload]);
  const done = run?.steps.filter((step) => step.status === 'succeeded').length ?? 0;
  return (
    <Page
      title={run?.school.name ?? params.runName!}
      subtitle={run ? <Badge tone={statusTone(run.status)}>{run.status}</Badge> : undefined}
      ready={Boolean(run)}
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!run ? (
        <Loading />
      ) : (
        <>
          {run.error ? <Notice tone="bad">{run.error}</Notice> : null}
          <Card title={t('onboarding.school')}>
            <dl class="details">
              <dt>{t('schools.slug')}</dt>
              <dd>{run.school.slug ?? '—'}</dd>
              <dt>{t('onboarding.schoolId')}</dt>
              <dd>{run.school.schoolId ?? '—'}</dd>
              <dt>{t('onboarding.started')}</dt>
              <dd>{format.dateTime(run.startedAt)}</dd>
              <dt>{t('onboarding.stopped')}</dt>
              <dd>{format.dateTime(run.stoppedAt)}</dd>
            </dl>
          </Card>
          <Card title={t('onboarding.steps', { done, count: run.steps.length })}>
            <ol class="steps">
              {run.steps.map((step, index) => (
                <li key={`${step.name}-${index}`} class={`step step-${step.status}`}>
                  <span class="step-name">{step.name}</span>
                  <Badge tone={step.status === 'succeeded' ? 'good' : step.status === 'failed' ? 'bad' : 'info'}>
                    {t(`onboarding.step.${step.status}`)}
                  </Badge>
                  <span class="muted small">{format.dateTime(step.startedAt)}</span>
                </li>
              ))}
            </ol>
          </Card>
        </>
      )}
    </Page>
  );
}
