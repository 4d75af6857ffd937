import type { MyClasses } from '../../api/types';
import { useApiGet } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Page } from '../../ui/page';

/** A teacher's classes this year, each with its register, scores and analytics one tap away. */
export default function MyClassesScreen() {
  const [resource, reload] = useApiGet<MyClasses>('/api/v1/me/classes');
  const classes = resource.data?.items;
  return (
    <Page title={t('myClasses.title')} ready={Boolean(classes)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!classes ? (
        resource.status === 'loading' ? (
          <Loading />
        ) : null
      ) : classes.length === 0 ? (
        <EmptyState title={t('myClasses.none')}>
          <p>{t('myClasses.noneHint')}</p>
        </EmptyState>
      ) : (
        <ul class="class-cards">
          {classes.map((item) => (
            <li key={item.id} class="card class-card">
              <h2 class="card-title">
                {item.name} {item.homeroom ? <Badge tone="info">{t('myClasses.homeroom')}</Badge> : null}
              </h2>
              <p class="muted">
                {item.gradeLevel} · {t('myClasses.students', { count: item.activeStudents })}
              </p>
              {item.subjects.length ? (
                <p class="small">{item.subjects.map((subject) => subject.name).join(', ')}</p>
              ) : null}
              <div class="class-card-actions">
                <a
                  class="button"
                  href={`/classes/${item.id}/attendance`}
                  aria-label={t('myClasses.markLabel', { name: item.name })}
                >
                  {t('myClasses.mark')}
                </a>
                {item.subjects.length ? (
                  <a
                    class="button button-secondary"
                    href={`/classes/${item.id}/scores`}
                    aria-label={t('myClasses.scoresLabel', { name: item.name })}
                  >
                    {t('myClasses.scores')}
                  </a>
                ) : null}
                <a
                  class="button button-ghost"
                  href={`/classes/${item.id}/analytics`}
                  aria-label={t('myClasses.analyticsLabel', { name: item.name })}
                >
                  {t('myClasses.analytics')}
                </a>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
