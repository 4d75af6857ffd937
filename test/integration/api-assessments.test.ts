import { beforeAll, describe, expect, it } from 'vitest';
import type { Assessment, ClassGrades, ReportCard } from '../../lambdas/api/assessments/assessment.schemas';
import { useLocalPlatform } from '../support/local-platform';
import { exampleSettings, type SchoolFixture, type SchoolUser, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('api-assessments');
let birch: SchoolFixture;
let admin: SchoolUser;
let mathsTeacher: SchoolUser;
let otherTeacher: SchoolUser;
let ids: { classId: string; maths: string; science: string; termId: string; students: string[]; outsider: string };

beforeAll(async () => {
  birch = await schoolFixture(platform(), 'birch');
  [admin, mathsTeacher, otherTeacher] = await Promise.all([
    birch.user('school-admin'),
    birch.user('teacher'),
    birch.user('teacher'),
  ]);
  await admin.call('PUT', '/api/v1/school/settings', exampleSettings);
  const [row] = await birch.db.query<{ ids: string }>(
    `WITH year AS (INSERT INTO academic_years (name, starts_on, ends_on) VALUES ('2026-27', '2026-09-01', '2027-07-15') RETURNING id),
          term AS (INSERT INTO terms (academic_year_id, name, starts_on, ends_on) SELECT id, 'Term 1', '2026-09-01', '2026-12-18' FROM year RETURNING id),
          grade AS (INSERT INTO grade_levels (name, ordinal) VALUES ('Grade 10', 10) RETURNING id),
          klass AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '10A' FROM year, grade RETURNING id),
          other_class AS (INSERT INTO classes (academic_year_id, grade_level_id, name) SELECT year.id, grade.id, '10B' FROM year, grade RETURNING id),
          maths AS (INSERT INTO subjects (code, name) VALUES ('MATH', 'Mathematics') RETURNING id),
          science AS (INSERT INTO subjects (code, name) VALUES ('SCI', 'Science') RETURNING id),
          teacher AS (INSERT INTO staff (user_sub, email, name, role) VALUES (:teacher, 'm@birch.test', 'M', 'teacher') RETURNING id),
          assignment AS (INSERT INTO teaching_assignments (staff_id, class_id, subject_id) SELECT teacher.id, klass.id, maths.id FROM teacher, klass, maths),
          pupils AS (INSERT INTO students (admission_no, given_name, family_name, class_id)
                     SELECT 'B-' || n, 'Pupil', 'P' || n, klass.id FROM klass, generate_series(1, 3) n RETURNING id, admission_no),
          outsider AS (INSERT INTO students (admission_no, given_name, family_name, class_id) SELECT 'B-9', 'Out', 'Sider', other_class.id FROM other_class RETURNING id)
     SELECT json_build_object('classId', (SELECT id FROM klass), 'maths', (SELECT id FROM maths), 'science', (SELECT id FROM science),
                              'termId', (SELECT id FROM term), 'outsider', (SELECT id FROM outsider),
                              'students', (SELECT json_agg(id ORDER BY admission_no) FROM pupils))::text AS ids`,
    { teacher: mathsTeacher.userId },
  );
  ids = JSON.parse(row!.ids);
});

const assessment = (subjectId: string, name: string, maxScore: number, weight = 1) => ({
  classId: ids.classId,
  subjectId,
  termId: ids.termId,
  name,
  maxScore,
  weight,
});

describe('assessments, scores and grades API', () => {
  it('lets a teacher add assessments only for the subject they teach in the class', async () => {
    const created = await mathsTeacher.call<Assessment>(
      'POST',
      '/api/v1/assessments',
      assessment(ids.maths, 'Quiz 1', 20),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Quiz 1', maxScore: 20, weight: 1 });
    expect((await mathsTeacher.call('POST', '/api/v1/assessments', assessment(ids.science, 'Lab', 10))).status).toBe(
      403,
    );
    expect((await otherTeacher.call('POST', '/api/v1/assessments', assessment(ids.maths, 'Quiz 2', 20))).status).toBe(
      403,
    );
    expect((await admin.call('POST', '/api/v1/assessments', assessment(ids.science, 'Lab', 10, 2))).status).toBe(201);
    const listed = await otherTeacher.call<{ items: Assessment[] }>(
      'GET',
      `/api/v1/assessments?classId=${ids.classId}`,
    );
    expect(listed.body.items.map((a) => a.name)).toEqual(['Lab', 'Quiz 1']);
  });

  it('enters a class of scores in one round trip, refusing scores above the maximum and strangers', async () => {
    const [quiz] = (await admin.call<{ items: Assessment[] }>('GET', `/api/v1/assessments?subjectId=${ids.maths}`)).body
      .items;
    const path = `/api/v1/assessments/${quiz!.id}/scores`;
    const scores = ids.students.map((studentId, i) => ({ studentId, score: [18, 12, 7][i]! }));
    const entered = await mathsTeacher.call<{ changed: number }>('PUT', path, { scores });
    expect(entered.status).toBe(200);
    expect(entered.body.changed).toBe(3);
    expect(entered.roundTrips).toBe(1);
    expect((await mathsTeacher.call<{ changed: number }>('PUT', path, { scores })).body.changed).toBe(0);

    const bad = await mathsTeacher.call<{ error: { fields: { path: string }[] } }>('PUT', path, {
      scores: [
        { studentId: ids.students[0], score: 25 },
        { studentId: ids.outsider, score: 5 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f) => f.path).sort()).toEqual(['body.scores.0.score', 'body.scores.1.studentId']);
    const kept = await birch.db.query<{ score: number }>(
      'SELECT score::float8 AS score FROM scores WHERE student_id = :id::uuid',
      {
        id: ids.students[0],
      },
    );
    expect(kept).toEqual([{ score: 18 }]);
    expect((await otherTeacher.call('PUT', path, { scores })).status).toBe(403);
  });

  it("computes term grades on the school's scale and a report card", async () => {
    const [lab] = (await admin.call<{ items: Assessment[] }>('GET', `/api/v1/assessments?subjectId=${ids.science}`))
      .body.items;
    await admin.call('PUT', `/api/v1/assessments/${lab!.id}/scores`, {
      scores: ids.students.map((studentId, i) => ({ studentId, score: [9, 6, 3][i]! })),
    });
    const grades = await mathsTeacher.call<ClassGrades>(
      'GET',
      `/api/v1/classes/${ids.classId}/grades?termId=${ids.termId}`,
    );
    expect(grades.status).toBe(200);
    expect(grades.roundTrips).toBe(1);
    const first = grades.body.students[0]!;
    expect(first.subjects).toEqual([
      { subjectId: ids.maths, subject: 'Mathematics', percent: 90, grade: 'A', passed: true, assessments: 1 },
      { subjectId: ids.science, subject: 'Science', percent: 90, grade: 'A', passed: true, assessments: 1 },
    ]);
    const third = grades.body.students[2]!;
    expect(third.subjects.map((s) => [s.grade, s.passed])).toEqual([
      ['F', false],
      ['F', false],
    ]);

    const card = await admin.call<ReportCard>(
      'GET',
      `/api/v1/students/${ids.students[1]}/report-card?termId=${ids.termId}`,
    );
    expect(card.status).toBe(200);
    expect(card.body.subjects.map((s) => [s.subject, s.percent, s.grade])).toEqual([
      ['Mathematics', 60, 'C'],
      ['Science', 60, 'C'],
    ]);
    expect(card.body.averagePercent).toBe(60);
    expect(card.body.term.name).toBe('Term 1');
    expect((await admin.call('GET', `/api/v1/students/${ids.students[1]}/report-card`)).status).toBe(400);
  });
});
