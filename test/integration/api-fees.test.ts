import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Receipt, StudentBalance } from '../../lambdas/api/fees/fee.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-fees');
let willow: SchoolFixture;
let bursar: SchoolUser;
let admin: SchoolUser;
let ids: { termId: string; gradeId: string; classId: string; students: string[] };

beforeAll(async () => {
  willow = await schoolFixture(platform(), 'willow');
  [bursar, admin] = await Promise.all([willow.user('bursar'), willow.user('school-admin')]);
  await admin.call('PUT', '/api/v1/school/settings', exampleSettings);
  const [row] = await willow.db.query<{ ids: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on) SELECT id, 'Term 1', '2026-09-01', '2026-12-18' FROM year RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 5', 5) RETURNING id),
          other_grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 6', 6) RETURNING id),
          klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '5A' FROM year, grade RETURNING id),
          other AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, other_grade.id, '6A' FROM year, other_grade RETURNING id),
          pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                     SELECT 'W-' || n, 'Pupil', 'W' || n, klass.id FROM klass, generate_series(1, 3) n RETURNING id, admission_no),
          sixth AS (INSERT INTO students (admission_no, given_name, family_name, class_id) SELECT 'W-6', 'Six', 'Th', other.id FROM other)
     SELECT json_build_object('termId', (SELECT id FROM term), 'gradeId', (SELECT id FROM grade), 'classId', (SELECT id FROM klass),
                              'students', (SELECT json_agg(id ORDER BY admission_no) FROM pupils))::text AS ids`,
  );
  ids = JSON.parse(row!.ids);
});

describe('fees API: structures, invoice runs, payments once per key, balances', () => {
  let feeStructureId: string;

  it('lets the bursar define a fee and invoice its grade, once however often the run is repeated', async () => {
    const created = await bursar.call<{ id: string; amountMinor: number }>('POST', '/api/v1/fee-structures', {
      termId: ids.termId,
      gradeLevelId: ids.gradeId,
      category: 'tuition',
      name: 'Term 1 tuition',
      amountMinor: 45_000,
      dueOn: '2026-09-30',
    });
    expect(created.status).toBe(201);
    expect(created.body.amountMinor).toBe(45_000);
    feeStructureId = created.body.id;
    expect((await admin.call('POST', '/api/v1/fee-structures', { termId: ids.termId })).status).toBe(403);

    const run = await bursar.call('POST', `/api/v1/fee-structures/${feeStructureId}/invoices`, {});
    expect(run.body).toEqual({ students: 3, created: 3 });
    expect(run.roundTrips).toBe(1);
    const again = await bursar.call('POST', `/api/v1/fee-structures/${feeStructureId}/invoices`, {});
    expect(again.body).toEqual({ students: 3, created: 0 });
  });

  it('records a payment sent twice once, and refuses the key for a different payment', async () => {
    const payment = {
      clientKey: 'pay-0001-abcdef',
      studentId: ids.students[0],
      amountMinor: 20_000,
      method: 'mobile-money',
      paidOn: '2026-09-10',
    };
    const [first, second] = await Promise.all([
      bursar.call<Receipt>('POST', '/api/v1/payments', payment),
      bursar.call<Receipt>('POST', '/api/v1/payments', payment),
    ]);
    const statuses = [first.status, second.status].sort();
    // Two at once: one records it, the other is told it is in progress or gets the same receipt.
    expect(statuses[0]).toBe(201);
    const third = await bursar.call<Receipt>('POST', '/api/v1/payments', payment);
    expect(third.status).toBe(201);
    expect(third.body).toMatchObject({
      amountMinor: 20_000,
      balanceMinor: 25_000,
      currency: 'EUR',
      method: 'mobile-money',
    });
    expect(third.body.paymentId).toBe(first.status === 201 ? first.body.paymentId : second.body.paymentId);
    const rows = await willow.db.query('SELECT 1 FROM payments WHERE client_key = :k', { k: payment.clientKey });
    expect(rows).toHaveLength(1);
    // The idempotency layer kept the completed request, so the repeat never reached the database.
    const records = await new DynamoDBClient({}).send(new ScanCommand({ TableName: 'campus-local-idempotency' }));
    expect(records.Items?.map((item) => item.status?.S)).toEqual(['COMPLETED']);

    const reused = await bursar.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/payments', {
      ...payment,
      amountMinor: 99,
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.fields).toEqual([{ path: 'body.clientKey', message: 'is already used' }]);

    const receipt = await admin.call<Receipt>('GET', `/api/v1/payments/${third.body.paymentId}/receipt`);
    expect(receipt.body).toMatchObject({ receiptNo: third.body.receiptNo, balanceMinor: 25_000 });
  });

  it("refuses another student's invoice and money as a float", async () => {
    const [invoice] = await willow.db.query<{ id: string }>('SELECT id FROM invoices WHERE student_id = :s::uuid', {
      s: ids.students[1],
    });
    const wrong = await bursar.call<{ error: { fields: { path: string }[] } }>('POST', '/api/v1/payments', {
      clientKey: 'pay-0002-abcdef',
      studentId: ids.students[0],
      invoiceId: invoice!.id,
      amountMinor: 100,
      method: 'cash',
      paidOn: '2026-09-11',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields).toEqual([{ path: 'body.invoiceId', message: 'is not an invoice of this student' }]);
    const float = await bursar.call('POST', '/api/v1/payments', {
      clientKey: 'pay-0003-abcdef',
      studentId: ids.students[0],
      amountMinor: 10.5,
      method: 'cash',
      paidOn: '2026-09-11',
    });
    expect(float.status).toBe(400);
  });

  it('lists balances and who is overdue', async () => {
    const all = await bursar.call<{ items: StudentBalance[] }>('GET', `/api/v1/fees/balances?classId=${ids.classId}`);
    expect(all.body.items.map((b) => b.balanceMinor)).toEqual([25_000, 45_000, 45_000]);
    const owing = await admin.call<{ items: StudentBalance[] }>('GET', '/api/v1/fees/balances?owingOnly=true&limit=2');
    expect(owing.body.items).toHaveLength(2);
    const early = await bursar.call<{ items: StudentBalance[] }>('GET', '/api/v1/fees/overdue?asOf=2026-09-15');
    expect(early.body.items).toEqual([]);
    const late = await bursar.call<{ items: StudentBalance[] }>('GET', '/api/v1/fees/overdue?asOf=2026-10-15');
    expect(late.body.items.map((b) => b.admissionNo)).toEqual(['W-1', 'W-2', 'W-3']);
    const teacher = await willow.user('teacher');
    expect((await teacher.call('GET', '/api/v1/fees/balances')).status).toBe(403);
  });
});
