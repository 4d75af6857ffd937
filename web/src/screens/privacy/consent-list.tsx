import { useState } from 'preact/hooks';
import { useLookup } from '../../api/lookups';
import type { ConsentList } from '../../api/types';
import { useApiGet } from '../../app-context';
import { t } from '../../i18n/i18n';
import { EmptyState, ErrorState, Loading } from '../../ui/feedback';
import { SelectField } from '../../ui/forms';
import { Card, Page } from '../../ui/page';
import { Table } from '../../ui/table';
import { ConsentBadge } from './consents-card';

/** The school admin's view of consents: each active student of a class, what their family agreed to, and whether analytics scores them. */
export default function ConsentListScreen() {
  const classes = useLookup('/api/v1/classes');
  const [classId, setClassId] = useState('');
  const [resource, reload] = useApiGet<ConsentList>('/api/v1/privacy/consents', classId ? { classId } : {});
  const items = resource.data?.items;
  return (
    <Page title={t('consents.title')} subtitle={t('consents.lead')} ready={Boolean(items)}>
      <Card>
        <SelectField
          label={t('consents.class')}
          value={classId}
          onValue={setClassId}
          options={[
            { value: '', label: t('consents.allClasses') },
            ...(classes ?? []).map((c) => ({ value: c.id, label: c.name })),
          ]}
        />
      </Card>
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!items ? (
        <Loading />
      ) : items.length === 0 ? (
        <EmptyState title={t('consents.none')} />
      ) : (
        <Table
          caption={t('consents.title')}
          rows={items}
          rowKey={(item) => item.studentId}
          columns={[
            {
              header: t('student.name'),
              cell: (item) => (
                <a href={`/students/${item.studentId}`}>
                  {item.givenName} {item.familyName}
                </a>
              ),
            },
            { header: t('consents.class'), cell: (item) => item.className ?? '—', wide: true },
            { header: t('consents.short.analytics'), cell: (item) => <ConsentBadge status={item.analytics} /> },
            { header: t('consents.short.messages'), cell: (item) => <ConsentBadge status={item.messages} /> },
            {
              header: t('consents.short.integrations'),
              cell: (item) => <ConsentBadge status={item.integrations} />,
              wide: true,
            },
            {
              header: t('consents.scoredColumn'),
              cell: (item) => (item.analyticsScored ? t('consents.yes') : t('consents.no')),
            },
          ]}
        />
      )}
    </Page>
  );
}
