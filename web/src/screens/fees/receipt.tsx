import type { Receipt } from '../../api/types';
import { hasRole, useApiGet, useApp } from '../../app-context';
import { t } from '../../i18n/i18n';
import type { ScreenProps } from '../../screens';
import { ErrorState, Loading } from '../../ui/feedback';
import { Card, Page } from '../../ui/page';

/** A payment's receipt, ready to print: for the fee staff, and for a guardian of their own child. */
export default function ReceiptScreen({ params }: ScreenProps) {
  const { format, me } = useApp();
  const [resource, reload] = useApiGet<Receipt>(`/api/v1/payments/${encodeURIComponent(params.paymentId!)}/receipt`);
  const receipt = resource.data;
  return (
    <Page
      title={receipt ? t('receipt.title', { receiptNo: receipt.receiptNo }) : t('receipt.titlePlain')}
      ready={Boolean(receipt)}
      actions={
        receipt ? (
          <>
            <button type="button" class="button button-secondary" onClick={() => window.print()}>
              {t('receipt.print')}
            </button>
            {hasRole(me, 'bursar') ? (
              <a class="button" href="/fees/payments/new">
                {t('receipt.another')}
              </a>
            ) : null}
          </>
        ) : undefined
      }
    >
      {resource.status === 'error' ? <ErrorState error={resource.error} onRetry={reload} /> : null}
      {!receipt ? (
        <Loading />
      ) : (
        <Card class="receipt">
          <p class="receipt-school">{me.school?.name}</p>
          <dl class="details">
            <dt>{t('receipt.number')}</dt>
            <dd>{receipt.receiptNo}</dd>
            <dt>{t('payment.student')}</dt>
            <dd>
              {receipt.studentName} · {receipt.admissionNo}
            </dd>
            <dt>{t('fees.amount')}</dt>
            <dd>
              <strong>{format.money(receipt.amountMinor)}</strong>
            </dd>
            <dt>{t('payment.method')}</dt>
            <dd>{t(`payment.method.${receipt.method}`)}</dd>
            <dt>{t('payment.paidOn')}</dt>
            <dd>{format.date(receipt.paidOn, 'long')}</dd>
            <dt>{t('receipt.balance')}</dt>
            <dd>{format.money(receipt.balanceMinor)}</dd>
          </dl>
        </Card>
      )}
    </Page>
  );
}
