import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { readChunkFeatures } from '../../lambdas/scoring/chunk-features';
import { calibrationShift, scoreRisk } from '../../lambdas/scoring/at-risk-model';
import { atRiskModel } from '../../lambdas/scoring/chunk-scoring';
import { bucketName } from '../../lambdas/shared/buckets';
import { typed } from '../../lambdas/shared/data-api';
import { s3Client } from '../../lambdas/shared/object-storage';
import { ScoringRuns } from '../../lambdas/shared/scoring-runs';
import { type DemoSchool, ensureDemoSchool } from '../../local/demo/demo-school';
import { useLocalPlatform } from '../support/local-platform';
import { pdfText } from '../support/pdf-text';
import { exampleSettings, schoolFixture } from '../support/school-fixture';
import { runExecution } from '../support/workflows';

const machine = 'campus-local-scoring-run';

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('Timed out waiting.');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the scoring run on the local platform', () => {
  const platform = useLocalPlatform('scoring-run', { stepFunctionsRetryIntervalMs: 10 });
  let demo: DemoSchool;
  let firstRunId: string;
  const demoDb = () =>
    schoolSession(demo.school, platform().shardGroups.find((g) => g.id === demo.school.shardGroupId)!.resourceArn);
  afterEach(() => platform().stepFunctions.service.faults.clear());

  it('scores every active student of the demo school, each chunk in one read and one batched write', async () => {
    demo = (await ensureDemoSchool(platform()))!;
    const run = await runExecution(machine, { trigger: 'operator', schoolId: demo.school.schoolId });
    expect(run.status).toBe('SUCCEEDED');
    const runId = run.executionArn.split(':').at(-1)!;
    firstRunId = runId;
    expect(run.output).toMatchObject({ runId, status: 'SUCCEEDED', schools: 1, schoolsDone: 1, schoolsFailed: 0 });

    const [counts] = await demoDb().query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM students WHERE status = 'active') AS students,
              (SELECT count(*)::int FROM student_analytics WHERE run_id = :runId AND model_version = :version) AS scored,
              (SELECT count(*)::int FROM student_analytics WHERE jsonb_array_length(drivers) > 0) AS explained,
              (SELECT count(*)::int FROM student_analytics WHERE jsonb_array_length(percentiles) = 8) AS ranked`,
      { runId, version: atRiskModel.version },
    );
    expect(counts!.students).toBeGreaterThanOrEqual(600);
    expect(counts).toEqual({
      students: counts!.students,
      scored: counts!.students,
      explained: counts!.students,
      ranked: counts!.students,
    });

    // Every chunk made exactly two Data API calls: its read and its write.
    const chunkOutputs = run.history
      .filter((event) => event.stateExitedEventDetails?.name === 'Score chunk')
      .map((event) => JSON.parse(event.stateExitedEventDetails!.output!) as { roundTrips: number });
    expect(chunkOutputs.length).toBeGreaterThanOrEqual(2);
    expect(chunkOutputs.every((output) => output.roundTrips === 2)).toBe(true);

    const school = await new ScoringRuns().getSchoolRun(runId, demo.school.schoolId);
    expect(school).toMatchObject({
      status: 'DONE',
      trigger: 'operator',
      chunksDone: chunkOutputs.length,
      chunksTotal: chunkOutputs.length,
      studentsTotal: counts!.students,
      studentsScored: counts!.students,
    });
  });

  it('queues the school analytics report once for the run, and the worker renders it as a PDF', async () => {
    const db = demoDb();
    const reports = await db.query<{ id: string }>(
      `SELECT id FROM reports WHERE kind = 'school-analytics' AND run_id = :runId`,
      { runId: firstRunId },
    );
    expect(reports).toHaveLength(1);
    const report = reports[0];
    expect(report).toBeDefined();
    const done = await eventually(async () => {
      const [row] = await db.query<{ status: string; objectKey: string; pages: number }>(
        `SELECT status, object_key AS "objectKey", pages FROM reports WHERE id = :id`,
        { id: typed.uuid(report!.id) },
      );
      return row?.status === 'done' ? row : undefined;
    });
    const object = await s3Client().send(new GetObjectCommand({ Bucket: bucketName('reports'), Key: done.objectKey }));
    const file = await object.Body!.transformToByteArray();
    const pdf = await pdfText(file);
    expect(pdf.pages).toBe(done.pages);
    expect(pdf.title).toBe('School analytics report — Demo High School');
    expect(pdf.text[0]).toContain('Enrolment by grade');
    expect(pdf.text.join(' ')).toContain('Students at risk of ending the year below the pass mark');
  });

  it('is safe to run again: each student keeps one row, with the newest reading', async () => {
    const db = demoDb();
    const before = await db.query<{ studentId: string; dataAsOf: string }>(
      `SELECT student_id AS "studentId", data_as_of::text AS "dataAsOf" FROM student_analytics ORDER BY student_id`,
    );
    const countReports = async () =>
      (
        (await db.query<{ reports: number }>(
          `SELECT count(*)::int AS reports FROM reports WHERE kind = 'school-analytics'`,
        )) as [{ reports: number }]
      )[0].reports;
    const reportsBefore = await countReports();
    const again = await runExecution(machine, { trigger: 'operator', schoolId: demo.school.schoolId });
    expect(again.status).toBe('SUCCEEDED');
    const after = await db.query<{ studentId: string; dataAsOf: string; runId: string }>(
      `SELECT student_id AS "studentId", data_as_of::text AS "dataAsOf", run_id AS "runId"
         FROM student_analytics ORDER BY student_id`,
    );
    expect(after.map((r) => r.studentId)).toEqual(before.map((r) => r.studentId));
    expect(after.every((r, i) => r.dataAsOf > before[i]!.dataAsOf)).toBe(true);
    expect(new Set(after.map((r) => r.runId))).toEqual(new Set([again.executionArn.split(':').at(-1)]));
    // One school report per run.
    expect(await countReports()).toBe(reportsBefore + 1);
  });

  it('counts a chunk scored twice once', async () => {
    const runs = new ScoringRuns();
    const runId = `test-run-${Date.now()}`;
    await runs.startRun({ runId, trigger: 'operator', scope: 'all', schools: 1, modelVersion: 'v' });
    await runs.planSchool({ runId, trigger: 'operator', modelVersion: 'v' }, 'school-x', {
      chunksTotal: 2,
      studentsTotal: 30,
    });
    const outcome = { students: 15, atRisk: 2, anomalies: 1 };
    expect(await runs.recordChunk(runId, 'school-x', 'c1', outcome)).toBe(true);
    expect(await runs.recordChunk(runId, 'school-x', 'c1', outcome)).toBe(false);
    expect(await runs.recordChunk(runId, 'school-x', 'c2', outcome)).toBe(true);
    expect(await runs.getSchoolRun(runId, 'school-x')).toMatchObject({
      chunksDone: 2,
      studentsScored: 30,
      atRisk: 4,
      anomalies: 2,
    });
  });

  it('scores every ACTIVE school when no school is named; a school that fails is recorded and the run ends PARTIAL', async () => {
    const other = await schoolFixture(platform(), 'scoring-other');
    const admin = await other.user('school-admin');
    expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
    platform().stepFunctions.service.faults.inject({
      step: 'score-chunk',
      schoolId: demo.school.schoolId,
      error: 'BrokenChunk',
    });
    const run = await runExecution(machine, { trigger: 'operator' });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ status: 'PARTIAL', schools: 2, schoolsDone: 1, schoolsFailed: 1 });
    const runId = run.executionArn.split(':').at(-1)!;
    const runs = new ScoringRuns();
    expect(await runs.getSchoolRun(runId, other.school.schoolId)).toMatchObject({ status: 'DONE' });
    expect(await runs.getSchoolRun(runId, demo.school.schoolId)).toMatchObject({
      status: 'FAILED',
      failure: expect.stringContaining('Fault injected into score-chunk'),
    });
  });

  it('is started every night by the same schedule as on AWS, for every ACTIVE school', async () => {
    const schedule = platform().stepFunctions.schedules.find((s) => s.name === 'campus-local-nightly-scoring')!;
    expect(schedule).toMatchObject({ expression: 'cron(30 1 * * ? *)', timezone: 'UTC', enabled: true });
    expect(JSON.parse(schedule.input)).toEqual({ trigger: 'schedule' });
    expect(schedule.targetArn).toMatch(/:stateMachine:campus-local-scoring-run$/);
    const sfn = new SFNClient({});
    const before = await sfn.send(new ListExecutionsCommand({ stateMachineArn: schedule.targetArn }));
    platform().scheduler.fire(schedule.name);
    const started = await eventually(async () => {
      const now = await sfn.send(new ListExecutionsCommand({ stateMachineArn: schedule.targetArn }));
      const fresh = now.executions!.find(
        (e) => !before.executions!.some((b) => b.executionArn === e.executionArn) && e.status !== 'RUNNING',
      );
      return fresh;
    });
    expect(started.status).toBe('SUCCEEDED');
    const runId = started.executionArn!.split(':').at(-1)!;
    expect(await new ScoringRuns().getRun(runId)).toMatchObject({ trigger: 'schedule', scope: 'all' });
  });

  it('ranks each subject result within its class, grade and school, ties sharing a mid-rank, on any scale', async () => {
    const { db } = await schoolFixture(platform(), 'percentiles');
    await db.execute(
      `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                     VALUES ('Now', current_date - 60, current_date + 200) RETURNING id),
       term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                SELECT id, 'Term 1', current_date - 60, current_date + 30 FROM year RETURNING id),
       grades AS (INSERT INTO grade_levels (name, ordinal) VALUES ('7', 7), ('8', 8) RETURNING *),
       classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                   SELECT year.id, grades.id, c.name FROM year, (VALUES ('7A', 7), ('7B', 7), ('8A', 8)) c(name, grade)
                     JOIN grades ON grades.ordinal = c.grade RETURNING *),
       subjects AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Mathematics'), ('POR', 'Portuguese') RETURNING *),
       pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                  SELECT p.name, p.name, 'Pupil', classes.id
                    FROM (VALUES ('a', '7A'), ('b', '7A'), ('c', '7A'), ('d', '7B'), ('e', '8A')) p(name, class)
                    JOIN classes ON classes.name = p.class RETURNING *),
       -- Mathematics out of 20 in 7A, out of 100 elsewhere: only the fraction counts.
       tests AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score)
                 SELECT classes.id, subjects.id, term.id, 'Test', CASE WHEN classes.name = '7A' THEN 20 ELSE 100 END
                   FROM classes, subjects, term RETURNING *)
       INSERT INTO scores (assessment_id, student_id, score, entered_by)
       SELECT tests.id, pupils.id, r.score, 'test'
         FROM (VALUES ('a', 'MAT', 10), ('b', 'MAT', 14), ('c', 'MAT', 14), ('d', 'MAT', 90), ('e', 'MAT', 30),
                      ('a', 'POR', 19)) r(pupil, subject, score)
         JOIN pupils ON pupils.admission_no = r.pupil
         JOIN subjects ON subjects.code = r.subject
         JOIN tests ON tests.class_id = pupils.class_id AND tests.subject_id = subjects.id`,
    );
    const [{ ids }] = (await db.query<{ ids: string }>(`SELECT json_agg(id)::text AS ids FROM classes`)) as [
      { ids: string },
    ];
    const features = await readChunkFeatures(db, { chunkId: 'c1', classIds: JSON.parse(ids), unassigned: false });
    const [{ byId }] = (await db.query<{ byId: string }>(
      `SELECT json_object_agg(id, admission_no)::text AS "byId" FROM students`,
    )) as [{ byId: string }];
    const names = JSON.parse(byId) as Record<string, string>;
    const of = (pupil: string, subject = 'MAT') =>
      features.find((f) => names[f.studentId] === pupil)!.subjects.find((s) => s.subject === subject)!;
    expect(of('a')).toMatchObject({ class: 16.7, grade: 12.5, school: 30 });
    expect(of('b')).toMatchObject({ class: 66.7, grade: 50, school: 60 });
    expect(of('c').class).toBe(of('b').class);
    expect(of('d')).toMatchObject({ class: 50, grade: 87.5, school: 90 });
    // Another subject is ranked on its own.
    expect(of('a', 'POR')).toMatchObject({ class: 50, grade: 50, school: 50 });
  });

  it('holds last year’s predictions against its final grades, calibrates this year’s risks by them, and says so', async () => {
    const fixture = await schoolFixture(platform(), 'track-record');
    const admin = await fixture.user('school-admin');
    expect((await admin.call('PUT', '/api/v1/school/settings', exampleSettings)).status).toBe(200);
    const before = await admin.call('GET', '/api/v1/analytics/overview');
    expect(before.body).toMatchObject({ modelAtSchool: { status: 'cannot-tell-yet', reason: 'no-year-ended' } });
    // Last year: 60 students predicted at setup B from a first-term 12/20, shown a risk of 0.2;
    // 20 passed the last term (13/20) and 40 did not (7/20). This year they have a first term of 12/20.
    const lastYearInputs = { term1: 0.6, term2: null, failures: 0, absences: 2 };
    await fixture.db.execute(
      `WITH last_year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                          VALUES ('Last', current_date - 400, current_date - 40) RETURNING id),
       this_year AS (INSERT INTO academic_years (name, starts_on, ends_on)
                     VALUES ('This', current_date - 30, current_date + 300) RETURNING id),
       terms AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on)
                 SELECT id, t.name, current_date + t.starts, current_date + t.ends
                   FROM last_year, (VALUES ('T1', -400, -300), ('T3', -100, -40)) t(name, starts, ends)
                 UNION ALL
                 SELECT id, 'T1', current_date - 30, current_date + 60 FROM this_year
                 RETURNING id, name, academic_year_id),
       grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('9', 9) RETURNING id),
       classes AS (INSERT INTO classes (academic_year_id, grade_level_id, name)
                   SELECT y.id, grade.id, y.name FROM grade,
                          (SELECT id, '9A-last' AS name FROM last_year UNION ALL SELECT id, '9A' FROM this_year) y
                   RETURNING id, name),
       subject AS (INSERT INTO subjects (code, name) VALUES ('MAT', 'Mathematics') RETURNING id),
       pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                  SELECT 'P' || n, 'Pupil', n::text, (SELECT id FROM classes WHERE name = '9A')
                    FROM generate_series(1, 60) n RETURNING id, admission_no),
       tests AS (INSERT INTO assessments (class_id, subject_id, term_id, name, max_score)
                 SELECT c.id, subject.id, t.id, 'Test', 20
                   FROM subject, terms t
                   JOIN classes c ON c.name = CASE WHEN t.academic_year_id = (SELECT id FROM last_year) THEN '9A-last' ELSE '9A' END
                  WHERE t.name IN ('T3', 'T1') AND NOT (t.name = 'T1' AND t.academic_year_id = (SELECT id FROM last_year))
                 RETURNING id, term_id),
       marks AS (INSERT INTO scores (assessment_id, student_id, score, entered_by)
                 SELECT tests.id, pupils.id,
                        CASE WHEN t.name = 'T1' THEN 12 WHEN substr(pupils.admission_no, 2)::int <= 20 THEN 13 ELSE 7 END, 'test'
                   FROM tests JOIN terms t ON t.id = tests.term_id, pupils)
       INSERT INTO risk_predictions (academic_year_id, student_id, setup, inputs, risk, model_version, data_as_of)
       SELECT (SELECT id FROM last_year), pupils.id, 'B', :inputs::jsonb, 0.2, 'earlier', now() - interval '60 days'
         FROM pupils`,
      { inputs: typed.json(lastYearInputs) },
    );

    const run = await runExecution(machine, { trigger: 'operator', schoolId: fixture.school.schoolId });
    expect(run.status).toBe('SUCCEEDED');

    const [kept] = await fixture.db.query<{ students: number; passRate: number; bySetup: string; calibration: string }>(
      `SELECT students, pass_rate::float8 AS "passRate", by_setup::text AS "bySetup", calibration::text AS calibration
         FROM model_track_record`,
    );
    expect(kept).toMatchObject({ students: 60, passRate: 0.3333 });
    // Shown a risk of 0.2, every student was predicted to pass: right for the 20 who did.
    expect(JSON.parse(kept!.bySetup)).toEqual({
      B: { n: 60, accuracy: 0.3333, brier: 0.44, predictedFailRate: 0.2, observedFailRate: 0.6667 },
    });
    // The shift that brings the current model's mean probability of passing over last year's
    // students to the third who passed (their log-odds taken in tenths).
    const shift = (JSON.parse(kept!.calibration) as { B: number }).B;
    expect(Math.abs(shift - calibrationShift(atRiskModel, 'B', [lastYearInputs], 1 / 3))).toBeLessThan(0.06);
    expect(shift).toBeLessThan(-1);

    // This year's students are scored with it, and their predictions kept for next year's measure.
    const current = await fixture.db.query<{ risk: number; setup: string; predictions: number }>(
      `SELECT sa.risk::float8 AS risk, sa.setup,
              (SELECT count(*)::int FROM risk_predictions p
                 JOIN academic_years ay ON ay.id = p.academic_year_id AND ay.name = 'This'
                WHERE p.student_id = sa.student_id AND p.setup = 'B' AND p.model_version = :version) AS predictions
         FROM student_analytics sa`,
      { version: atRiskModel.version },
    );
    expect(current).toHaveLength(60);
    const record = { term1: 0.6, term2: null, failures: 0, absences: 0 };
    const calibrated = scoreRisk(atRiskModel, record, 20, 'B', undefined, { B: shift }).risk;
    expect(calibrated).toBeGreaterThan(scoreRisk(atRiskModel, record, 20, 'B').risk + 0.2);
    for (const row of current) {
      expect(row).toMatchObject({ setup: 'B', predictions: 1 });
      expect(row.risk).toBeCloseTo(calibrated, 4);
    }

    const after = await admin.call('GET', '/api/v1/analytics/overview');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      modelAtSchool: {
        status: 'measured',
        academicYear: 'Last',
        students: 60,
        passRate: 0.3333,
        bySetup: { B: { n: 60, accuracy: 0.3333 } },
        calibrated: ['B'],
      },
    });
    // The run queued the school's analytics report: let the worker finish it before the platform stops.
    await eventually(async () => {
      const [report] = await fixture.db.query<{ status: string }>(
        `SELECT status FROM reports WHERE kind = 'school-analytics' AND run_id = :runId`,
        { runId: run.executionArn.split(':').at(-1)! },
      );
      return report?.status === 'done' ? report : undefined;
    });
  });
});
