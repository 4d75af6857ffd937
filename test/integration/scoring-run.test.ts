import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { schoolSession } from '../../lambdas/onboarding/school-provisioning';
import { readChunkFeatures } from '../../lambdas/scoring/chunk-features';
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
    expect((await admin.call('PUT', '/api/school/settings', exampleSettings)).status).toBe(200);
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
});
