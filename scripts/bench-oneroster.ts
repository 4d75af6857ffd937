import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '../local/platform';
import { exampleSettings, schoolFixture } from '../test/support/school-fixture';
import { clientCredentialsGrant } from '../test/support/sign-in';

/**
 * `npm run bench:oneroster`: a learning platform's full OneRoster 1.2 sync of a school of 3,000
 * students through real HTTP on the local platform: every top-level collection of the rostering and
 * gradebook services, page after page (asking `limit=1000`; the platform gives at most 500 a page), as one
 * integration's client token, following each list's Link header to its next page. The school: 120 classes of 25 in six grade levels, ten subjects
 * each with its teacher, a guardian per student, three terms of two assessments per subject, every
 * score entered. Prints, per collection and in all: records, requests, time and bytes.
 */
const students = Number(process.env.BENCH_STUDENTS ?? 3000);
const limit = Number(process.env.BENCH_LIMIT ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-oneroster-'));
const platform = await startPlatform({ stateDir: dir, port: 0, fastAndUnsafe: true });

try {
  const school = await schoolFixture(platform, 'benchroster');
  const admin = await school.user('school-admin');
  if ((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status !== 200) throw new Error('settings');
  const seeding = performance.now();
  const classCount = Math.ceil(students / 25);
  await school.db.execute(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026/27', '2026-09-14', '2027-07-09') RETURNING id),
     terms AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
               SELECT year.id, 'Term ' || n, DATE '2026-09-14' + (n - 1) * 100, DATE '2026-09-14' + n * 100 - 5
                 FROM year, generate_series(1, 3) n),
     grades AS (INSERT INTO grade_levels (name, ordinal) SELECT n || '.º ano', n FROM generate_series(7, 12) n RETURNING *),
     classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                 SELECT year.id, g.id, g.ordinal || chr(64 + k) FROM year, grades g,
                        generate_series(1, CAST(:perGrade AS int)) k)
     INSERT INTO subjects (code, name)
     SELECT 'S' || n, 'Subject ' || n FROM generate_series(1, 10) n`,
    { perGrade: Math.ceil(classCount / 6) },
  );
  await school.db.execute(
    `WITH teachers AS (
       INSERT INTO staff (email, name, role)
       SELECT 'teacher' || n || '@benchroster.test', 'Teacher ' || n, 'teacher' FROM generate_series(1, 150) n RETURNING id),
     numbered_teachers AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM teachers),
     numbered_classes AS (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k FROM classes),
     numbered_subjects AS (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM subjects),
     assigned AS (
       INSERT INTO teaching_assignments (staff_id, class_id, subject_id)
       SELECT t.id, c.id, s.id FROM numbered_classes c CROSS JOIN numbered_subjects s
         JOIN numbered_teachers t ON t.k = (c.k * 10 + s.k) % 150)
     INSERT INTO students (admission_no, given_name, family_name, class_id)
     SELECT 'B' || lpad(n::text, 5, '0'), 'Student ' || n, 'Family ' || (n % 997),
            (SELECT id FROM numbered_classes WHERE k = (n - 1) / 25)
       FROM generate_series(1, CAST(:students AS int)) n`,
    { students },
  );
  await school.db.execute(
    `WITH parents AS (
       INSERT INTO guardians (name, email)
       SELECT 'Guardian of ' || admission_no, lower(admission_no) || '@family.test' FROM students RETURNING id, email)
     INSERT INTO student_guardians (student_id, guardian_id, relationship)
     SELECT s.id, p.id, 'mother' FROM students s JOIN parents p ON p.email = lower(s.admission_no) || '@family.test'`,
  );
  await school.db.execute(
    `WITH tests AS (
       INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, held_on)
       SELECT ta.class_id, ta.subject_id, t.id, 'Test ' || n, 20, t.starts_on + n * 20
         FROM teaching_assignments ta CROSS JOIN terms t CROSS JOIN generate_series(1, 2) n RETURNING id, class_id)
     INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT a.id, s.id, (abs(hashtext(a.id::text || s.id::text)) % 21), 'bench' FROM tests a JOIN students s ON s.class_id = a.class_id`,
  );
  const seededIn = (performance.now() - seeding) / 1000;

  const scopes = ['roster.readonly', 'gradebook.readonly'] as const;
  const registered = await admin.call<{ integration: { clientId: string }; clientSecret: string }>(
    'POST',
    '/api/v1/integrations',
    { name: 'Sync bench', scopes, requestsPerMinute: 6000 },
  );
  const token = (
    await clientCredentialsGrant(platform.url, registered.body.integration.clientId, registered.body.clientSecret, [
      ...scopes,
    ])
  ).body.access_token!;

  const collections = [
    ['rostering', 'orgs'],
    ['rostering', 'academicSessions'],
    ['rostering', 'courses'],
    ['rostering', 'classes'],
    ['rostering', 'users'],
    ['rostering', 'enrollments'],
    ['gradebook', 'categories'],
    ['gradebook', 'scoreScales'],
    ['gradebook', 'lineItems'],
    ['gradebook', 'results'],
  ] as const;
  // BENCH_ONLY=results,enrollments syncs those collections only.
  const only = process.env.BENCH_ONLY?.split(',');
  const rows: {
    collection: string;
    records: number;
    requests: number;
    seconds: number;
    megabytes: number;
    p95ms: number;
  }[] = [];
  const started = performance.now();
  for (const [service, collection] of collections.filter(([, name]) => !only || only.includes(name))) {
    const base = `/ims/oneroster/${service}/v1p2/${collection}`;
    const times: number[] = [];
    let records = 0;
    let bytes = 0;
    let total = 0;
    const begun = performance.now();
    // As a client reads on: the Link header's next page, until there is none.
    let next: string | undefined = `${base}?limit=${limit}`;
    while (next) {
      const at = performance.now();
      const response: Response = await fetch(`${platform.url}${next}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const text = await response.text();
      times.push(performance.now() - at);
      if (response.status !== 200) throw new Error(`${next}: ${response.status} ${text.slice(0, 300)}`);
      bytes += Buffer.byteLength(text);
      total = Number(response.headers.get('x-total-count'));
      records += (Object.values(JSON.parse(text) as Record<string, unknown[]>)[0] ?? []).length;
      next = /<([^>]+)>; rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
    }
    if (records !== total) throw new Error(`${collection}: ${records} records read of ${total}`);
    times.sort((a, b) => a - b);
    rows.push({
      collection: `${service}/${collection}`,
      records,
      requests: times.length,
      seconds: Math.round((performance.now() - begun) / 10) / 100,
      megabytes: Math.round(bytes / 10_000) / 100,
      p95ms: Math.round(times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]!),
    });
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nA full OneRoster 1.2 sync of a school of ${students} students (${classCount} classes; seeded in ${seededIn.toFixed(1)} s), limit=${limit}, one client, sequential:`,
  );
  console.table(rows);
  const sum = (key: 'records' | 'requests' | 'megabytes') => rows.reduce((total, row) => total + row[key], 0);
  console.log(
    `In all: ${sum('records')} records, ${sum('requests')} requests, ${seconds.toFixed(1)} s, ${sum('megabytes').toFixed(1)} MB of JSON.`,
  );
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
