import type { Child } from '../../api/types';
import { useApiGet } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { Badge, Page } from '../../ui/page';

/** A guardian's children: only those linked to them. */
export default function MyChildren() {
  const [resource, reload] = useApiGet<{ items: Child[] }>('/api/v1/portal/children');
  const children = resource.data?.items;
  return (
    <Page title={t('children.title')} ready={Boolean(children)}>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!children ? (
        <Loading />
      ) : children.length === 0 ? (
        <EmptyState title={t('children.none')}>
          <p>{t('children.noneHint')}</p>
        </EmptyState>
      ) : (
        <ul class="class-cards">
          {children.map((child) => (
            <li key={child.studentId} class="card class-card">
              <h2 class="card-title">
                <a href={`/children/${child.studentId}`}>
                  {child.givenName} {child.familyName}
                </a>
              </h2>
              <p class="muted">
                {child.className ?? t('profile.noClass')} · {child.admissionNo} <Badge>{child.relationship}</Badge>
              </p>
            </li>
          ))}
        </ul>
      )}
    </Page>
  );
}
