import { randomUUID } from 'node:crypto';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PrivacyRequestView } from '../../lambdas/api/privacy/requests.schemas';
import { exportSchoolArchive, importSchoolArchive } from '../../lambdas/onboarding/school-archive';
import { newSchoolId, provisionSchool, schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { bucketName } from '../../lambdas/shared/buckets';
import type { DataApiSession } from '../../lambdas/shared/data-api';
import { DynamoErasureRegister } from '../../lambdas/shared/erasure-register';
import { getObjectText, putObject, s3Client } from '../../lambdas/shared/object-storage';
import { reapplyErasures } from '../../lambdas/shared/student-erasure';
import { useLocalPlatform } from '../support/local-platform';
import { until } from '../support/until';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

/**
 * Erasure through real HTTP on the local platform: asked by a guardian or an admin, approved by
 * a second admin (never the one who asked), carried out by the privacy worker, and searched for
 * afterwards in every table of the school's database, every object of its buckets and the user
 * directory; then a backup taken before it is restored and the erasure applied again.
 */
const platform = useLocalPlatform('privacy-erasure', { directoryCacheSeconds: 0 });
let oak: SchoolFixture;
let ana: SchoolUser;
let bea: SchoolUser;
let mae: SchoolUser;
let pai: SchoolUser;
let child: string;
let sibling: string;
let maeId: string;
let paiId: string;
const archives = {
  put: (key: string, body: string, contentType: string) => putObject('exports', key, body, contentType),
  get: (key: string) => getObjectText('exports', key),
};
const backupPrefix = () => `restore-tests/${oak.school.schoolId}/before-erasure`;
/** What must not be found anywhere once the child and their mother are erased. */
const traces = () => [
  'Inês',
  'Esquecida',
  'mae@oakerase.test',
  '+351912000011',
  'Rua das Flores',
  child,
  maeId,
  'Marta Mãe',
];

beforeAll(async () => {
  oak = await schoolFixture(platform(), 'oakerase');
  ana = await oak.user('school-admin', { email: 'ana@oakerase.test' });
  bea = await oak.user('school-admin', { email: 'bea@oakerase.test' });
  mae = await oak.user('guardian', { email: 'mae@oakerase.test' });
  pai = await oak.user('guardian', { email: 'pai@oakerase.test' });
  expect((await ana.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
  const [ids] = await oak.db.query<{ child: string; sibling: string; klass: string; mae: string; pai: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                   VALUES ('This year', current_date - 60, current_date + 200) RETURNING *),
     term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
              SELECT id, 'Term 1', starts_on, starts_on + 90 FROM year RETURNING *),
     grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('6', 6) RETURNING id),
     klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
               SELECT year.id, grade.id, '6A' FROM year, grade RETURNING *),
     pupils AS (INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id)
                SELECT p, g, f, DATE '2014-03-02', (SELECT id FROM klass)
                  FROM (VALUES ('R-1', 'Inês', 'Esquecida'), ('R-2', 'Rui', 'Lembrado')) v(p, g, f) RETURNING *),
     enrolled AS (INSERT INTO enrolments (student_id, academic_year_id, class_id)
                  SELECT p.id, k.academic_year_id, k.id FROM pupils p, klass k),
     parents AS (INSERT INTO guardians (name, email, phone, user_sub)
                 VALUES ('Marta Mãe', 'mae@oakerase.test', '+351912000011', :mae),
                        ('Paulo Pai', 'pai@oakerase.test', '+351912000012', :pai)
                 RETURNING *),
     -- The mother has one child here; the father also has the sibling, so he stays.
     links AS (INSERT INTO student_guardians (student_id, guardian_id, relationship)
               SELECT p.id, g.id, 'parent' FROM pupils p JOIN parents g
                   ON p.admission_no = 'R-1' OR g.email LIKE 'pai%'),
     people AS (INSERT INTO staff (user_sub, email, name, role)
                VALUES (:ana, 'ana@oakerase.test', 'Ana Admin', 'school-admin'),
                       (:bea, 'bea@oakerase.test', 'Bea Admin', 'school-admin')),
     subject AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Matemática') RETURNING id),
     tests AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
               SELECT klass.id, subject.id, term.id, 'Teste ' || n, 20, term.starts_on + n * 10
                 FROM klass, subject, term, generate_series(1, 4) n RETURNING *),
     marks AS (INSERT INTO scores (assessment_id, student_id, score, entered_by)
               SELECT a.id, p.id, 9 + (abs(hashtext(a.name || p.admission_no)) % 10), :ana FROM tests a, pupils p),
     days AS (INSERT INTO attendance (student_id, on_date, class_id, status, note, marked_by)
              SELECT p.id, d::date, klass.id, 'absent', CASE p.admission_no WHEN 'R-1' THEN 'Visita à avó na Rua das Flores' END, :ana
                FROM pupils p, klass, generate_series(current_date - 30, current_date - 1, interval '1 day') d
               WHERE extract(isodow FROM d) < 6),
     fee AS (INSERT INTO fee_structures (term_id, category, name, amount_minor, due_on)
             SELECT id, 'tuition', 'Propina', 12500, starts_on + 30 FROM term RETURNING *),
     billed AS (INSERT INTO invoices (student_id, fee_structure_id, amount_minor, due_on)
                SELECT p.id, f.id, f.amount_minor, f.due_on FROM pupils p, fee f RETURNING *),
     paid AS (INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
              SELECT 'seed-' || b.id, b.student_id, b.id, 5000, 'card', b.due_on - 3, :ana FROM billed b),
     told AS (INSERT INTO notification_requests (kind, category, urgency, dedupe_key, student_id, payload, due_at, status, requested_by)
              SELECT 'absence', 'absence', 'urgent', 'absence/' || p.id, p.id, jsonb_build_object('student', p.given_name),
                     now(), 'dispatched', 'attendance'
                FROM pupils p WHERE p.admission_no = 'R-1' RETURNING *),
     sent AS (INSERT INTO notification_messages (request_id, recipient_id, recipient_kind, channel, address, locale, subject, body, status)
              SELECT t.id, g.id, 'guardian', 'email', g.email, 'pt', 'Falta', 'A Inês faltou hoje.', 'sent'
                FROM told t, parents g)
     SELECT (SELECT id FROM pupils WHERE admission_no = 'R-1') AS child,
            (SELECT id FROM pupils WHERE admission_no = 'R-2') AS sibling, (SELECT id FROM klass) AS klass,
            (SELECT id FROM parents WHERE email LIKE 'mae%') AS mae, (SELECT id FROM parents WHERE email LIKE 'pai%') AS pai`,
    { mae: mae.userId, pai: pai.userId, ana: ana.userId, bea: bea.userId },
  );
  ({ child, sibling, mae: maeId, pai: paiId } = ids!);
  // What the platform writes itself: the class's register (one audit entry with both children's
  // marks), a consent, a read in the access log, a fee statement PDF and an export of the child's data.
  const today = new Date().toISOString().slice(0, 10);
  const saved = await ana.call('PUT', `/api/v1/classes/${ids!.klass}/attendance/${today}`, {
    marks: [
      { studentId: child, status: 'late', note: 'Inês chegou às 9h' },
      { studentId: sibling, status: 'present' },
    ],
  });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  expect(
    (await mae.call('PUT', `/api/v1/portal/children/${child}/consents/analytics`, { status: 'given' })).status,
  ).toBe(200);
  expect((await ana.call('GET', `/api/v1/students/${child}`)).status).toBe(200);
  const report = await ana.call<{ id: string }>('POST', '/api/v1/reports', { kind: 'fee-statement', studentId: child });
  expect(report.status, JSON.stringify(report.body)).toBe(202);
  await until(
    async () => {
      const status = (await ana.call<{ status: string }>('GET', `/api/v1/reports/${report.body.id}`)).body.status;
      return status === 'done' ? status : undefined;
    },
    'the fee statement',
    1200,
  );
  const exported = await mae.call<PrivacyRequestView>('POST', `/api/v1/portal/children/${child}/privacy-requests`, {
    kind: 'export',
    clientKey: 'export-before-erasure',
  });
  expect(exported.status).toBe(202);
  await until(
    async () => {
      const { status } = (await ana.call<PrivacyRequestView>('GET', `/api/v1/privacy/requests/${exported.body.id}`))
        .body;
      return status === 'ready' ? status : undefined;
    },
    'the export',
    1200,
  );
  // The backup a restore will start from, taken before the erasure.
  await exportSchoolArchive(oak.db, archives, backupPrefix(), {
    schoolId: oak.school.schoolId,
    slug: oak.school.slug,
    name: oak.school.name,
    schemaVersion: oak.school.schemaVersion,
  });
});

/** Every stored object of the school in the platform's data buckets, with its text. */
async function schoolObjects(): Promise<{ key: string; text: string }[]> {
  const found: { key: string; text: string }[] = [];
  for (const purpose of ['exports', 'reports'] as const) {
    const listed = await s3Client().send(
      new ListObjectsV2Command({ Bucket: bucketName(purpose), Prefix: `schools/${oak.school.schoolId}/` }),
    );
    for (const object of listed.Contents ?? []) {
      found.push({ key: `${purpose}/${object.Key!}`, text: await getObjectText(purpose, object.Key!) });
    }
  }
  return found;
}

/** Rows of every table of a school database that hold one of `needles`, as `table: row`. */
async function rowsHolding(db: DataApiSession, needles: readonly string[]): Promise<string[]> {
  const tables = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
  );
  const found: string[] = [];
  for (const { name } of tables) {
    const rows = await db.query<{ row: string }>(
      `SELECT left(t::text, 300) AS row FROM "${name}" t WHERE t::text ILIKE ANY (CAST(:needles AS text[]))`,
      { needles: `{${needles.map((n) => `"%${n}%"`).join(',')}}` },
    );
    found.push(...rows.map((r) => `${name}: ${r.row}`));
  }
  return found;
}

describe('erasure asked for and approved', () => {
  it('waits for a second school admin: never the admin who asked, and a refusal is told with its reason', async () => {
    const body = { kind: 'erasure', studentId: child, clientKey: 'erase-ines-by-ana' };
    const asked = await ana.call<PrivacyRequestView>('POST', '/api/v1/privacy/requests', body);
    expect(asked.status, JSON.stringify(asked.body)).toBe(202);
    expect(asked.body).toMatchObject({ kind: 'erasure', status: 'awaiting-approval', requestedBy: 'Ana Admin' });
    expect((await ana.call<PrivacyRequestView>('POST', '/api/v1/privacy/requests', body)).body.id).toBe(asked.body.id);
    // Asked again with another key while it is owed: the same request, not a second one.
    const again = await ana.call<PrivacyRequestView>('POST', '/api/v1/privacy/requests', {
      ...body,
      clientKey: 'erase-ines-by-ana-again',
    });
    expect(again.body.id).toBe(asked.body.id);
    const own = await ana.call<{ error: { message: string } }>(
      'POST',
      `/api/v1/privacy/requests/${asked.body.id}/approve`,
    );
    expect(own.status).toBe(403);
    expect(own.body.error.message).toMatch(/another school admin/i);
    expect((await mae.call('POST', `/api/v1/privacy/requests/${asked.body.id}/approve`)).status).toBe(403);
    const short = await bea.call<{ error: { fields: { path: string }[] } }>(
      'POST',
      `/api/v1/privacy/requests/${asked.body.id}/refuse`,
      { reason: '' },
    );
    expect(short.status).toBe(400);
    expect(short.body.error.fields.map((f) => f.path)).toEqual(['body.reason']);
    const refused = await bea.call<PrivacyRequestView>('POST', `/api/v1/privacy/requests/${asked.body.id}/refuse`, {
      reason: 'Asked by mistake: the family asked for a copy.',
    });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      status: 'refused',
      decidedBy: 'Bea Admin',
      refusal: expect.stringMatching(/copy/),
    });
    expect((await bea.call('POST', `/api/v1/privacy/requests/${asked.body.id}/approve`)).status).toBe(409);
    const [student] = await oak.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM students WHERE id = :id::uuid`,
      {
        id: child,
      },
    );
    expect(student!.n).toBe(1);
  });

  it("is carried out once the family's request is approved: kept records under a pseudonym, the rest deleted", async () => {
    const [before] = await oak.db.query<{ scores: number; invoices: number; payments: number; entries: number }>(
      `SELECT (SELECT count(*)::int FROM scores WHERE student_id = :id::uuid) AS scores,
              (SELECT count(*)::int FROM invoices WHERE student_id = :id::uuid) AS invoices,
              (SELECT count(*)::int FROM payments WHERE student_id = :id::uuid) AS payments,
              (SELECT count(*)::int FROM audit_entries WHERE :id::uuid = ANY (subjects)) AS entries`,
      { id: child },
    );
    expect(before!.entries).toBeGreaterThan(2);
    const asked = await mae.call<PrivacyRequestView>('POST', `/api/v1/portal/children/${child}/privacy-requests`, {
      kind: 'erasure',
      clientKey: 'erase-ines-by-mae',
    });
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('awaiting-approval');
    const approved = await ana.call<PrivacyRequestView>('POST', `/api/v1/privacy/requests/${asked.body.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    expect(approved.body).toMatchObject({
      status: expect.stringMatching(/queued|running|done/),
      decidedBy: 'Ana Admin',
    });
    let done: PrivacyRequestView | undefined;
    await expect
      .poll(
        async () => {
          done = (await ana.call<PrivacyRequestView>('GET', `/api/v1/privacy/requests/${asked.body.id}`)).body;
          return done.status;
        },
        { timeout: 60_000 },
      )
      .toBe('done');
    expect(done!.student).toBeNull();
    expect(done!.requestedBy).toBe('Someone no longer at the school');
    expect(done!.outcome).toMatchObject({
      kept: { grades: before!.scores, fees: before!.invoices + before!.payments },
      guardiansErased: 1,
      guardiansKept: 1,
      pseudonym: expect.stringMatching(/^ERASED-[0-9A-F]{12}$/),
    });
    expect(done!.outcome!.removed).toMatchObject({ attendance: expect.any(Number), consents: 1, notifications: 3 });
    // Grades and fees stay under a record that names nobody; the father and the sibling stay as they were.
    const [kept] = await oak.db.query<{ scores: number; fees: number; name: string; born: string | null }>(
      `SELECT (SELECT count(*)::int FROM scores WHERE student_id = s.id) AS scores,
              (SELECT count(*)::int FROM invoices WHERE student_id = s.id) + (SELECT count(*)::int FROM payments WHERE student_id = s.id) AS fees,
              s.given_name || ' ' || s.family_name AS name, s.date_of_birth::text AS born
         FROM students s WHERE s.admission_no = :pseudonym`,
      { pseudonym: done!.outcome!.pseudonym! },
    );
    expect(kept).toEqual({
      scores: before!.scores,
      fees: before!.invoices + before!.payments,
      name: 'Erased record',
      born: null,
    });
    const [family] = await oak.db.query<{ links: string }>(
      `SELECT json_agg(json_build_object('student', student_id, 'guardian', guardian_id))::text AS links FROM student_guardians`,
    );
    expect(JSON.parse(family!.links)).toEqual([{ student: sibling, guardian: paiId }]);
    // The audit log keeps every entry, and none of them can be read back to the child.
    const [log] = await oak.db.query<{ entries: number; readable: number; erased: number }>(
      `SELECT count(*)::int AS entries,
              count(*) FILTER (WHERE before::text ~ 'Esquecida|Inês' OR after::text ~ 'Esquecida|Inês')::int AS readable,
              count(*) FILTER (WHERE after::text LIKE '%"erased": true%' OR before::text LIKE '%"erased": true%')::int AS erased
         FROM audit_entries`,
    );
    expect(log!.readable).toBe(0);
    expect(log!.erased).toBeGreaterThanOrEqual(before!.entries - 1);
    const listed = await ana.call<{ items: { subjects: string[]; after: unknown }[] }>(
      'GET',
      '/api/v1/audit?limit=200',
    );
    expect(JSON.stringify(listed.body)).not.toMatch(new RegExp(`${child}|${maeId}|Inês|Esquecida`));
  });

  it('leaves no trace of the child or the mother in any table, bucket or the user directory', async () => {
    expect(await rowsHolding(oak.db, traces())).toEqual([]);
    const objects = await schoolObjects();
    expect(objects.filter((o) => traces().some((t) => o.key.includes(t) || o.text.includes(t)))).toEqual([]);
    expect(objects.filter((o) => /fee-statement|student-data/.test(o.key))).toEqual([]);
    const users = platform().issuer.users.list();
    expect(users.filter((u) => u.username === 'mae@oakerase.test' || u.sub === mae.userId)).toEqual([]);
    expect(users.some((u) => u.username === 'pai@oakerase.test')).toBe(true);
    // The mother's sign-in no longer works; the father's does.
    expect((await mae.call('GET', `/api/v1/portal/children/${child}`)).status).toBeGreaterThanOrEqual(400);
    expect((await pai.call('GET', `/api/v1/portal/children/${sibling}`)).status).toBe(200);
  });

  it('is applied again to a database restored from a backup taken before it', async () => {
    const group = platform().shardGroups[0]!;
    const restored = await provisionSchool(
      { schoolId: newSchoolId(), slug: 'oakerase-restored', name: 'Oak restored', plan: 'standard' },
      { id: group.id, resourceArn: group.resourceArn, masterSecretArn: group.masterSecretArn },
    );
    const db = schoolSession(restored, group.resourceArn).as({ actor: 'erasure-register', requestId: 'restore-test' });
    await importSchoolArchive(db, archives, backupPrefix());
    expect((await rowsHolding(db, ['Esquecida', 'mae@oakerase.test'])).length).toBeGreaterThan(0);
    const again = await reapplyErasures(db, new DynamoErasureRegister(), oak.school.schoolId, randomUUID);
    expect(again.map((entry) => entry.studentId)).toEqual([child]);
    expect(await rowsHolding(db, traces())).toEqual([]);
    const [kept] = await db.query<{ scores: number }>(
      `SELECT count(*)::int AS scores FROM scores sc JOIN students s ON s.id = sc.student_id WHERE s.status = 'erased'`,
    );
    expect(kept!.scores).toBeGreaterThan(0);
    // Applying it again changes nothing more.
    expect(await reapplyErasures(db, new DynamoErasureRegister(), oak.school.schoolId, randomUUID)).toEqual([]);
  });
});
