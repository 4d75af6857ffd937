import { useState } from 'preact/hooks';
import type { Page as ApiPage, PaymentMethod, Receipt, Student } from '../../api/types';
import { useApiGet, useApp } from '../../app-context';
import { parseMoney } from '../../format';
import { t } from '../../i18n/i18n';
import { navigate } from '../../router';
import { FormError, SelectField, SubmitButton, TextField, useSubmission } from '../../ui/forms';
import { Card, Page } from '../../ui/page';

const methods: PaymentMethod[] = ['cash', 'bank-transfer', 'card', 'mobile-money', 'other'];

/**
 * Record a payment. The form carries one client key from the moment it opens until the
 * payment is recorded: pressing save twice, or again after a lost answer, records it once.
 */
export default function RecordPayment() {
  const { api, format, notify } = useApp();
  const [clientKey] = useState(() => `pay-${crypto.randomUUID()}`);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [studentId, setStudentId] = useState('');
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<PaymentMethod>('cash');
  const [paidOn, setPaidOn] = useState(format.today());
  const [amountError, setAmountError] = useState<string | undefined>(undefined);
  const [matches] = useApiGet<ApiPage<Student>>(query ? '/api/v1/students' : undefined, {
    q: query,
    status: 'active',
    limit: 20,
  });
  const form = useSubmission(
    () => {
      const amountMinor = parseMoney(amount);
      setAmountError(amountMinor === undefined ? t('fees.amountInvalid') : undefined);
      return api.post<Receipt>('/api/v1/payments', {
        clientKey,
        studentId,
        amountMinor: amountMinor ?? 0,
        method,
        paidOn,
      });
    },
    (receipt) => {
      notify(t('payment.recorded', { receiptNo: receipt.receiptNo }));
      navigate(`/fees/receipts/${receipt.paymentId}`);
    },
  );
  const options = (matches.data?.items ?? []).map((student) => ({
    value: student.id,
    label: `${student.familyName}, ${student.givenName} · ${student.admissionNo}${student.className ? ` · ${student.className}` : ''}`,
  }));
  return (
    <Page title={t('payment.title')}>
      <Card>
        <form
          class="form"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setQuery(search.trim());
          }}
        >
          <div class="form-row">
            <TextField
              label={t('payment.findStudent')}
              type="search"
              value={search}
              onValue={setSearch}
              hint={t('students.searchHint')}
            />
            <div class="form-actions align-end">
              <button type="submit" class="button button-secondary">
                {t('students.searchButton')}
              </button>
            </div>
          </div>
        </form>
        <form class="form" onSubmit={form.run} noValidate>
          <FormError error={form.error} />
          <SelectField
            label={t('payment.student')}
            value={studentId}
            onValue={setStudentId}
            placeholder={query ? (options.length ? t('common.choose') : t('students.none')) : t('payment.searchFirst')}
            options={options}
            error={form.fieldError('studentId')}
            required
          />
          <div class="form-row">
            <TextField
              label={t('fees.amount')}
              inputMode="decimal"
              value={amount}
              onValue={setAmount}
              error={amountError ?? form.fieldError('amountMinor')}
              required
            />
            <SelectField
              label={t('payment.method')}
              value={method}
              onValue={(value) => setMethod(value as PaymentMethod)}
              options={methods.map((value) => ({ value, label: t(`payment.method.${value}`) }))}
              error={form.fieldError('method')}
            />
          </div>
          <TextField
            label={t('payment.paidOn')}
            type="date"
            value={paidOn}
            max={format.today()}
            onValue={setPaidOn}
            error={form.fieldError('paidOn')}
            required
          />
          <div class="form-actions">
            <SubmitButton busy={form.busy}>{t('payment.record')}</SubmitButton>
          </div>
        </form>
      </Card>
    </Page>
  );
}
