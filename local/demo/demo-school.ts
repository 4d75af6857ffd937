import { SFNClient } from '@aws-sdk/client-sfn';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { auditEntry } from '../../lambdas/shared/audit-entry';
import { type DataApiSession, typed } from '../../lambdas/shared/data-api';
import type { Role } from '../../lambdas/shared/roles';
import { type SchoolRecord, TenantDirectory } from '../../lambdas/shared/tenant-directory';
import { CognitoUserDirectory, UserExistsError } from '../../lambdas/shared/user-directory';
import { stagePrefix } from '../../lib/config';
import { localStage } from '../local-stage';
import type { Platform } from '../platform';
import { runExecutionToSuccess } from '../../lambdas/shared/state-machine-executions';
import { type DemoSchoolData, generateDemoSchool, readUciStudents } from './demo-data';

/** What `npm start` onboards on its first run. */
export const demoSchoolRequest = {
  name: 'Demo High School',
  slug: 'demo-high',
  country: 'PT',
  timezone: 'Europe/Lisbon',
  currency: 'EUR',
  locale: 'pt-PT',
  admin: { name: 'Helena Costa', email: 'admin@demo-high.example' },
  plan: 'standard',
} as const;

export interface DemoSignIn {
  readonly role: Role;
  readonly email: string;
  readonly password: string;
  /** Whose view it is, in a few words. */
  readonly who: string;
}

export interface DemoSchool {
  readonly school: SchoolRecord;
  readonly signIns: readonly DemoSignIn[];
  readonly counts: Readonly<Record<string, number>>;
}

/** The actor the audit log names for the demo's data. */
const demoActor = 'demo-data';

/** Scores the demo school through the scoring run, so its analytics are there from the first start. */
async function scoreDemoSchool(platform: Platform, schoolId: string): Promise<void> {
  await runExecutionToSuccess(
    new SFNClient({ endpoint: platform.stepFunctions.url }),
    `${stagePrefix(localStage)}-scoring-run`,
    { trigger: 'operator', schoolId },
    { name: `score-demo-high-${Date.now()}`, pollMs: 50, what: 'Scoring the demo school' },
  );
}

/**
 * Waits until the reports the scoring run asked for (the school analytics report) are rendered:
 * the demo is ready once nothing more is written to it, so a test that archives or offboards it
 * right away reads every row the school will have.
 */
async function reportsRendered(db: DataApiSession, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.query<{ waiting: number }>(
      `SELECT count(*)::int AS waiting FROM reports WHERE status IN ('queued', 'running')`,
    );
    if (!row!.waiting) return;
    if (Date.now() > deadline) throw new Error("The demo school's analytics report was not rendered in two minutes.");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function onboardDemoSchool(platform: Platform): Promise<void> {
  await runExecutionToSuccess(
    new SFNClient({ endpoint: platform.stepFunctions.url }),
    `${stagePrefix(localStage)}-onboard-school`,
    demoSchoolRequest,
    { name: `onboard-demo-high-${Date.now()}`, pollMs: 50, what: 'Onboarding the demo school' },
  );
}

/** Writes the generated school in one transaction: all of it, or (on any error) none of it. */
async function writeDemoData(db: DataApiSession, data: DemoSchoolData, bursarSub: string): Promise<void> {
  await db.transaction(async () => {
    await db.query(
      `WITH year AS (SELECT id FROM academic_years ORDER BY starts_on LIMIT 1),
       grades AS (
         INSERT INTO grade_levels (name, ordinal)
         SELECT g.name, g.ordinal FROM jsonb_to_recordset(:grades::jsonb) AS g(name text, ordinal int) RETURNING *),
       subjects AS (
         INSERT INTO subjects (code, name)
         SELECT s.code, s.name FROM jsonb_to_recordset(:subjects::jsonb) AS s(code text, name text) RETURNING *),
       staff_rows AS (
         INSERT INTO staff (email, name, role, status)
         SELECT s.email, s.name, s.role, 'active' FROM jsonb_to_recordset(:staff::jsonb) AS s(email text, name text, role text)
         RETURNING *),
       classes AS (
         INSERT INTO classes (academic_year_id, grade_level_id, name, homeroom_teacher_id)
         SELECT year.id, grades.id, c.name, staff_rows.id
           FROM jsonb_to_recordset(:classes::jsonb) AS c(name text, grade int, homeroom text)
           CROSS JOIN year
           JOIN grades ON grades.ordinal = c.grade
           JOIN staff_rows ON staff_rows.email = c.homeroom
         RETURNING *)
       INSERT INTO teaching_assignments (staff_id, class_id, subject_id)
       SELECT staff_rows.id, classes.id, subjects.id
         FROM jsonb_to_recordset(:assignments::jsonb) AS a(teacher text, "className" text, subject text)
         JOIN staff_rows ON staff_rows.email = a.teacher
         JOIN classes ON classes.name = a."className"
         JOIN subjects ON subjects.code = a.subject`,
      {
        grades: typed.json(data.gradeLevels),
        subjects: typed.json(data.subjects),
        staff: typed.json(data.staff),
        classes: typed.json(data.classes),
        assignments: typed.json(data.assignments),
      },
    );
    await db.query(
      `WITH year AS (SELECT id FROM academic_years ORDER BY starts_on LIMIT 1),
       added AS (
         INSERT INTO students (admission_no, given_name, family_name, date_of_birth, class_id, enrolled_on, repeated_years)
         SELECT s."admissionNo", s."givenName", s."familyName", s."dateOfBirth", classes.id, year_start.starts_on,
                s."repeatedYears"
           FROM jsonb_to_recordset(:students::jsonb)
                AS s("admissionNo" text, "givenName" text, "familyName" text, "dateOfBirth" date, "className" text,
                     "repeatedYears" smallint)
           JOIN classes ON classes.name = s."className"
           CROSS JOIN (SELECT starts_on FROM academic_years ORDER BY starts_on LIMIT 1) year_start
         RETURNING id, class_id)
       INSERT INTO enrolments (student_id, academic_year_id, class_id)
       SELECT added.id, year.id, added.class_id FROM added, year`,
      {
        students: typed.json(
          data.students.map(({ profile, ...student }) => ({ ...student, repeatedYears: profile.failures })),
        ),
      },
    );
    await db.query(
      `WITH input AS (
         SELECT g.key, g.name, g.email, g.phone, g.children
           FROM jsonb_to_recordset(:guardians::jsonb) AS g(key text, name text, email text, phone text, children jsonb)),
       added AS (
         INSERT INTO guardians (name, email, phone) SELECT name, email, phone FROM input RETURNING id, email)
       INSERT INTO student_guardians (student_id, guardian_id, relationship)
       SELECT students.id, added.id, c.relationship
         FROM input JOIN added ON added.email = input.email,
              jsonb_to_recordset(input.children) AS c("admissionNo" text, relationship text)
         JOIN students ON students.admission_no = c."admissionNo"`,
      { guardians: typed.json(data.guardians) },
    );
    await db.query(
      `WITH exceptions AS (
         SELECT a."admissionNo", a.absent, a.excused, a.late
           FROM jsonb_to_recordset(:attendance::jsonb) AS a("admissionNo" text, absent jsonb, excused jsonb, late jsonb))
       INSERT INTO attendance (student_id, on_date, class_id, status, marked_by, marked_at)
       SELECT students.id, day.value::date, students.class_id,
              CASE WHEN exceptions.absent ? day.value THEN 'absent'
                   WHEN exceptions.excused ? day.value THEN 'excused'
                   WHEN exceptions.late ? day.value THEN 'late'
                   ELSE 'present' END,
              :actor, (day.value::date + time '08:40') AT TIME ZONE 'Europe/Lisbon'
         FROM exceptions
         JOIN students ON students.admission_no = exceptions."admissionNo"
         CROSS JOIN jsonb_array_elements_text(:days::jsonb) AS day(value)`,
      { attendance: typed.json(data.attendance), days: typed.json(data.schoolDays), actor: demoActor },
    );
    await db.query(
      `WITH term AS (SELECT id FROM terms ORDER BY starts_on LIMIT 1),
       added AS (
         INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, weight, held_on)
         SELECT classes.id, subjects.id, term.id, a.name, a."maxScore", a.weight, a."heldOn"
           FROM jsonb_to_recordset(:assessments::jsonb)
                AS a("className" text, subject text, name text, "maxScore" numeric, weight numeric, "heldOn" date)
           JOIN classes ON classes.name = a."className"
           JOIN subjects ON subjects.code = a.subject
           CROSS JOIN term
         RETURNING id, class_id, subject_id, name)
       INSERT INTO scores (assessment_id, student_id, score, entered_by)
       SELECT added.id, students.id, s.score, :actor
         FROM jsonb_to_recordset(:scores::jsonb) AS s("admissionNo" text, subject text, assessment text, score numeric)
         JOIN students ON students.admission_no = s."admissionNo"
         JOIN subjects ON subjects.code = s.subject
         JOIN added ON added.class_id = students.class_id AND added.subject_id = subjects.id AND added.name = s.assessment`,
      { assessments: typed.json(data.assessments), scores: typed.json(data.scores), actor: demoActor },
    );
    await db.query(
      `WITH term AS (SELECT id FROM terms ORDER BY starts_on LIMIT 1),
       fees AS (
         INSERT INTO fee_structures (term_id, grade_level_id, category, name, amount_minor, due_on)
         SELECT term.id, grade_levels.id, f.category, f.name, f."amountMinor", f."dueOn"
           FROM jsonb_to_recordset(:fees::jsonb)
                AS f(name text, category text, grade int, "amountMinor" bigint, "dueOn" date)
           JOIN grade_levels ON grade_levels.ordinal = f.grade
           CROSS JOIN term
         RETURNING *),
       invoiced AS (
         INSERT INTO invoices (student_id, fee_structure_id, amount_minor, issued_on, due_on)
         SELECT students.id, fees.id, fees.amount_minor, fees.due_on - 30, fees.due_on
           FROM fees
           JOIN classes ON classes.grade_level_id = fees.grade_level_id
           JOIN students ON students.class_id = classes.id
         RETURNING *)
       INSERT INTO payments (client_key, student_id, invoice_id, amount_minor, method, paid_on, recorded_by)
       SELECT p."clientKey", students.id, invoiced.id, p."amountMinor", p.method, p."paidOn", :bursar
         FROM jsonb_to_recordset(:payments::jsonb)
              AS p("clientKey" text, "admissionNo" text, "feeName" text, "amountMinor" bigint, method text, "paidOn" date)
         JOIN students ON students.admission_no = p."admissionNo"
         JOIN fees ON fees.name = p."feeName"
         JOIN invoiced ON invoiced.student_id = students.id AND invoiced.fee_structure_id = fees.id`,
      { fees: typed.json(data.feeStructures), payments: typed.json(data.payments), bursar: bursarSub },
    );
    // One entry for the generated data: what it holds, by count.
    await db.query(
      `WITH summary AS (
         SELECT (SELECT count(*) FROM students) AS students, (SELECT count(*) FROM guardians) AS guardians,
                (SELECT count(*) FROM attendance) AS attendance, (SELECT count(*) FROM scores) AS scores,
                (SELECT count(*) FROM payments) AS payments),
       ${auditEntry({ action: 'import', entity: 'demo-data', after: 'summary', rows: 'one', entityId: 'NULL' })}
       SELECT 1`,
    );
  });
}

/**
 * Gives one generated person an account (or finds the one an interrupted run made) and
 * returns its sign-in; their record is tied to it once written.
 */
async function demoAccount(
  platform: Platform,
  school: SchoolRecord,
  person: { email: string; name: string; role: Role },
): Promise<DemoSignIn & { userId: string }> {
  const users = new CognitoUserDirectory();
  let userId: string;
  try {
    userId = await users.invite({ ...person, schoolId: school.schoolId });
  } catch (error) {
    if (!(error instanceof UserExistsError)) throw error;
    userId = (await users.accountOf(person.email))!.userId;
  }
  const invitation = platform.outbox.latestFor(person.email)!;
  return { role: person.role, email: person.email, password: invitation.temporaryPassword, userId, who: person.name };
}

/**
 * Demo High School on the local platform: onboarded through the onboarding workflow
 * itself, then filled with a generated school (`generateDemoSchool`, from the seed) and
 * given one account per role. Does nothing if the platform already has it; a run that
 * failed while writing left no data, so the next start writes it again.
 */
export async function ensureDemoSchool(
  platform: Platform,
  options: { seed?: number; log?: (line: string) => void } = {},
): Promise<DemoSchool | undefined> {
  const log = options.log ?? (() => undefined);
  const directory = new TenantDirectory();
  let school = await directory.schoolBySlug(demoSchoolRequest.slug);
  if (!school) {
    log('onboarding Demo High School through the onboarding workflow');
    await onboardDemoSchool(platform);
    school = (await directory.schoolBySlug(demoSchoolRequest.slug))!;
  }
  if (school.status !== 'ACTIVE') return undefined;
  const group = platform.shardGroups.find((candidate) => candidate.id === school.shardGroupId)!;
  const db = schoolSession(school, group.resourceArn).as({ actor: demoActor, requestId: 'demo-data' });
  const [{ students }] = (await db.query<{ students: number }>('SELECT count(*)::int AS students FROM students')) as [
    { students: number },
  ];
  if (students > 0) return undefined;

  log('filling Demo High School with its generated students, attendance, grades and fees');
  const [term] = await db.query<{ name: string; startsOn: string; endsOn: string }>(
    `SELECT name, starts_on::text AS "startsOn", ends_on::text AS "endsOn" FROM terms ORDER BY starts_on LIMIT 1`,
  );
  const data = generateDemoSchool(readUciStudents(), term!, options.seed);
  const admin = platform.outbox.latestFor(demoSchoolRequest.admin.email);
  const bursar = data.staff.find((member) => member.role === 'bursar')!;
  const teacher = data.staff.find((member) => member.email === data.classes[0]!.homeroom)!;
  const guardian = data.guardians[0]!;
  // Accounts first: payments name the bursar who recorded them.
  const bursarAccount = await demoAccount(platform, school, { ...bursar, role: 'bursar' });
  const teacherAccount = await demoAccount(platform, school, { ...teacher, role: 'teacher' });
  const guardianAccount = await demoAccount(platform, school, { ...guardian, role: 'guardian' });
  await writeDemoData(db, data, bursarAccount.userId);
  // Statistics for the planner now, rather than when autovacuum next looks at the school.
  await db.execute('ANALYZE');
  log('scoring Demo High School through the scoring run');
  await scoreDemoSchool(platform, school.schoolId);
  await reportsRendered(db);
  for (const [table, account] of [
    ['staff', bursarAccount],
    ['staff', teacherAccount],
    ['guardians', guardianAccount],
  ] as const) {
    await db.execute(`UPDATE ${table} SET user_sub = :userId WHERE lower(email) = lower(:email)`, {
      userId: account.userId,
      email: account.email,
    });
  }
  const count = async (table: string) =>
    ((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0] as { n: number }).n;
  const counts: Record<string, number> = {};
  for (const table of [
    'students',
    'staff',
    'guardians',
    'classes',
    'attendance',
    'assessments',
    'scores',
    'invoices',
    'payments',
  ]) {
    counts[table] = await count(table);
  }
  return {
    school,
    counts,
    signIns: [
      {
        role: 'school-admin' as const,
        email: demoSchoolRequest.admin.email,
        password: admin?.temporaryPassword ?? '(see .local/outbox.jsonl)',
        who: demoSchoolRequest.admin.name,
      },
      { ...teacherAccount, who: `${teacherAccount.who}, home-room teacher of ${data.classes[0]!.name}` },
      { ...bursarAccount, who: `${bursarAccount.who}, bursar` },
      {
        ...guardianAccount,
        who: `${guardianAccount.who}, guardian of ${guardian.children.length === 1 ? 'one student' : `${guardian.children.length} students`}`,
      },
    ].map(({ role, email, password, who }) => ({ role, email, password, who })),
  };
}
