import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { schoolSession } from '../lambdas/onboarding/school-provisioning';
import type { DataApiSession } from '../lambdas/shared/data-api';
import { TenantDirectory } from '../lambdas/shared/tenant-directory';
import { startPlatform } from '../local/platform';
import { executionHistory, runExecutionToSuccess } from '../lambdas/shared/state-machine-executions';
import { onboardBenchSchool } from './bench-schools';

/**
 * `npm run bench:scoring`: the scoring run on the local platform over 20 schools of 2,500
 * students each (target ≥ 50,000 students a minute), with the Data API round trips of each
 * chunk; inference alone on one core; a class of 40 report cards as one PDF (≤ 3 s) and
 * the school analytics report of a 2,500-student school (≤ 5 s). Prints figures only.
 */
const schools = Number(process.env.BENCH_SCHOOLS ?? 20);
const studentsPerSchool = 2500;
const dir = mkdtempSync(join(tmpdir(), 'campus-bench-scoring-'));
const platform = await startPlatform({ stateDir: dir, port: 0, fastAndUnsafe: true, shardGroupCapacity: 100 });
const sfn = new SFNClient({ endpoint: platform.stepFunctions.url });

/**
 * A school of 2,500 students as a school would hold it after two months: 6 grades, 100
 * classes (the first of 40), 8 subjects with two assessments each this term, and a mark
 * for every student on every school day so far. Each student's ability drives their
 * scores and absences (ability follows from the admission number and the seed, the noise
 * is random), so risk varies as in a real school.
 */
async function fillSchool(db: DataApiSession, seed: number): Promise<void> {
  await db.execute(
    `WITH year AS (SELECT id FROM academic_years ORDER BY starts_on LIMIT 1),
     grades AS (INSERT INTO grade_levels (name, ordinal) SELECT 'Grade ' || g, g FROM generate_series(7, 12) g RETURNING *),
     subjects AS (INSERT INTO subjects (code, name)
       SELECT code, name FROM (VALUES ('POR', 'Portuguese'), ('MAT', 'Mathematics'), ('ENG', 'English'), ('SCI', 'Sciences'),
         ('HIS', 'History'), ('GEO', 'Geography'), ('PE', 'Physical Education'), ('ART', 'Arts')) s(code, name) RETURNING id)
     INSERT INTO classes (academic_year_id, grade_level_id, name)
     SELECT year.id, grades.id, 'C' || lpad(c::text, 3, '0')
       FROM generate_series(1, 100) c CROSS JOIN year JOIN grades ON grades.ordinal = 7 + (c % 6)`,
  );
  await db.execute(
    `INSERT INTO students (admission_no, given_name, family_name, class_id, repeated_years, enrolled_on)
     SELECT 'B' || lpad(n::text, 5, '0'), 'Student', 'Number ' || n,
            (SELECT id FROM classes WHERE name = 'C' || lpad((CASE WHEN n <= 40 THEN 1 ELSE 2 + (n - 41) % 99 END)::text, 3, '0')),
            CASE WHEN random() < 0.12 THEN 1 ELSE 0 END, (SELECT starts_on FROM academic_years ORDER BY starts_on LIMIT 1)
       FROM generate_series(1, :students) n`,
    { students: studentsPerSchool },
  );
  await db.execute(
    `WITH term AS (SELECT id, starts_on FROM terms ORDER BY starts_on LIMIT 1)
     INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, weight, held_on)
     SELECT c.id, s.id, term.id, a.name, 20, a.weight, least(term.starts_on + a.day, current_date)
       FROM classes c CROSS JOIN subjects s CROSS JOIN term
       CROSS JOIN (VALUES ('Test 1', 1, 35), ('Test 2', 2, 75)) a(name, weight, day)`,
  );
  // Ability from the admission number: the same school for the same seed.
  const ability = `(0.25 + 0.65 * ((substr(st.admission_no, 2)::int * 7919 + ${seed}) % 1000) / 1000.0)`;
  await db.execute(
    `INSERT INTO scores (assessment_id, student_id, score, entered_by)
     SELECT a.id, st.id, greatest(0, least(20, round((${ability} * 20 + (random() - 0.5) * 6)::numeric, 1))), 'bench'
       FROM assessments a JOIN students st ON st.class_id = a.class_id`,
  );
  await db.execute(
    `WITH days AS (
       SELECT d::date AS day FROM terms t, generate_series(t.starts_on, current_date - 1, interval '1 day') d
        WHERE t.id = (SELECT id FROM terms ORDER BY starts_on LIMIT 1) AND extract(isodow FROM d) < 6)
     INSERT INTO attendance (student_id, on_date, class_id, status, marked_by)
     SELECT st.id, days.day, st.class_id,
            CASE WHEN random() < 0.14 - 0.12 * ${ability} THEN 'absent' WHEN random() < 0.02 THEN 'late' ELSE 'present' END,
            'bench'
       FROM students st CROSS JOIN days`,
  );
  await db.execute('ANALYZE');
}

try {
  const directory = new TenantDirectory();
  const fillStarted = performance.now();
  const sessions: DataApiSession[] = [];
  for (let i = 0; i < schools; i += 1) {
    const slug = `bench-scoring-${String(i).padStart(2, '0')}`;
    await onboardBenchSchool(sfn, slug, `Bench School ${i}`);
    const school = (await directory.schoolBySlug(slug))!;
    const group = platform.shardGroups.find((g) => g.id === school.shardGroupId)!;
    const db = schoolSession(school, group.resourceArn);
    await fillSchool(db, i + 1);
    sessions.push(db);
  }
  const [counts] = await sessions[0]!.query<{ attendance: number; scores: number }>(
    `SELECT (SELECT count(*)::int FROM attendance) AS attendance, (SELECT count(*)::int FROM scores) AS scores`,
  );
  console.log(
    `${schools} schools × ${studentsPerSchool} students onboarded and filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s ` +
      `(each: ${counts!.attendance} attendance marks, ${counts!.scores} scores)`,
  );

  // The scoring run of every ACTIVE school, timed from StartExecution to SUCCEEDED.
  for (let round = 1; round <= 2; round += 1) {
    const started = performance.now();
    const execution = await runExecutionToSuccess(
      sfn,
      'campus-local-scoring-run',
      { trigger: 'operator' },
      { pollMs: 20 },
    );
    const seconds = (performance.now() - started) / 1000;
    const output = JSON.parse(execution.output!) as { studentsScored: number; chunksDone: number; status: string };
    const chunks = (await executionHistory(sfn, execution.executionArn))
      .filter((event) => event.stateExitedEventDetails?.name === 'Score chunk')
      .map((event) => JSON.parse(event.stateExitedEventDetails!.output!) as { roundTrips: number; students: number });
    const trips = [...new Set(chunks.map((c) => c.roundTrips))].join(', ');
    console.log(
      `scoring run ${round} (${output.status}): ${output.studentsScored} students in ${seconds.toFixed(1)} s = ` +
        `${Math.round((output.studentsScored / seconds) * 60).toLocaleString('en')} students a minute (target ≥ 50,000); ` +
        `${chunks.length} chunks of ${Math.round(output.studentsScored / chunks.length)} students, ` +
        `Data API round trips per chunk: ${trips}`,
    );
  }

  // Inference alone, in this process on one core: the chunk's features already read.
  const { readChunkFeatures } = await import('../lambdas/scoring/chunk-features');
  const { scoreStudents } = await import('../lambdas/scoring/chunk-scoring');
  const { planSchool } = await import('../lambdas/scoring/scoring-plan');
  const plan = (await planSchool(sessions[0]!))!;
  const features = (await Promise.all(plan.chunks.map((chunk) => readChunkFeatures(sessions[0]!, chunk)))).flat();
  const inferenceStarted = performance.now();
  let scored = 0;
  while (performance.now() - inferenceStarted < 3000) scored += scoreStudents(features, plan.settings).length;
  const perSecond = scored / ((performance.now() - inferenceStarted) / 1000);
  console.log(
    `inference alone (risk, anomalies, careers; one core): ${Math.round(perSecond).toLocaleString('en')} students a second`,
  );

  // Reports, rendered as the worker renders them: read, render, store.
  const { runReport } = await import('../lambdas/reports/report-rendering');
  const { queueReport } = await import('../lambdas/shared/report-jobs');
  const school = (await directory.schoolBySlug('bench-scoring-00'))!;
  const db = sessions[0]!;
  const [scope] = await db.query<{ classId: string; termId: string }>(
    `SELECT (SELECT id FROM classes WHERE name = 'C001') AS "classId", (SELECT id FROM terms ORDER BY starts_on LIMIT 1) AS "termId"`,
  );
  let stored = 0;
  const store = { put: async (_key: string, body: Uint8Array) => void (stored = body.length) };
  const noQueue = { send: async () => undefined };
  for (const [label, request, target] of [
    ['a class of 40 report cards', { kind: 'report-cards', ...scope! } as const, 3],
    ['the school analytics report (2,500 students)', { kind: 'school-analytics' } as const, 5],
  ] as const) {
    const times: number[] = [];
    let pages = 0;
    for (let i = 0; i < 3; i += 1) {
      const queued = await queueReport(db, noQueue, school.schoolId, request, 'bench');
      const started = performance.now();
      const result = await runReport(db, store, school.schoolId, queued.id);
      times.push((performance.now() - started) / 1000);
      pages = result.pages ?? 0;
    }
    console.log(
      `${label}: ${pages} pages, ${(stored / 1024).toFixed(0)} KiB, ${times.map((t) => t.toFixed(2)).join(' / ')} s (target ≤ ${target} s)`,
    );
  }
} finally {
  await platform.stop();
  rmSync(dir, { recursive: true, force: true });
}
