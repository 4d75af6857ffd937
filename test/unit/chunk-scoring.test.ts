import { describe, expect, it } from 'vitest';
import { onModelScale } from '../../lambdas/scoring/at-risk-model';
import type { StudentFeatures } from '../../lambdas/scoring/chunk-features';
import { scoreStudents } from '../../lambdas/scoring/chunk-scoring';
import { packClasses } from '../../lambdas/scoring/scoring-plan';
import { analyticsSettings, analyticsSettingsOf } from '../../lambdas/shared/analytics-settings';

const settings = { passMark: 0.5, analytics: analyticsSettingsOf({}), calibration: {} };
const subjects = (school: number) =>
  ['MAT', 'SCI', 'POR', 'ENG'].map((subject) => ({ subject, name: subject, class: school, grade: school, school }));
const steadyWeeks = Array.from({ length: 8 }, () => ({ days: 5, present: 5 }));

function student(id: string, overrides: Partial<StudentFeatures> = {}): StudentFeatures {
  return {
    studentId: id,
    classId: 'class-a',
    repeatedYears: 0,
    term1: 0.65,
    term2: null,
    absences: 2,
    daysMarked: 40,
    weeks: steadyWeeks,
    recentScores: [0.65, 0.66, 0.64, 0.65],
    subjects: subjects(50),
    ...overrides,
  };
}

describe('planning a school into chunks', () => {
  it('packs whole classes up to the chunk size, a large class alone, in a stable order', () => {
    const chunks = packClasses(
      [
        { classId: 'a', students: 30 },
        { classId: 'b', students: 30 },
        { classId: 'c', students: 500 },
        { classId: 'd', students: 0 },
        { classId: null, students: 5 },
      ],
      60,
    );
    expect(chunks).toEqual([
      { chunkId: 'c1', classIds: ['a', 'b'], unassigned: false },
      { chunkId: 'c2', classIds: ['c'], unassigned: false },
      { chunkId: 'c3', classIds: [], unassigned: true },
    ]);
  });
});

describe('grades on the model’s scale', () => {
  it('maps the school’s pass mark to the training course’s (0.5), and the ends of the scale to 0 and 1', () => {
    for (const passMark of [0.4, 0.5, 0.6]) {
      expect(onModelScale(passMark, passMark)).toBeCloseTo(0.5);
      expect(onModelScale(0, passMark)).toBe(0);
      expect(onModelScale(1, passMark)).toBe(1);
      expect(onModelScale(passMark - 0.1, passMark)).toBeLessThan(0.5);
    }
    // 45 % passes where the pass mark is 40 %, fails where it is 50 %.
    expect(onModelScale(0.45, 0.4)).toBeGreaterThan(0.5);
    expect(onModelScale(0.45, 0.5)).toBeLessThan(0.5);
  });
});

describe('scoring a chunk’s students', () => {
  it('gives a struggling student a higher risk than a steady one, explained in the school’s own numbers', () => {
    const [steady, struggling] = scoreStudents(
      [
        student('steady'),
        student('struggling', { term1: 0.3, absences: 9, repeatedYears: 2, recentScores: [0.3, 0.32, 0.28, 0.3] }),
      ],
      settings,
    );
    expect(struggling!.risk).toBeGreaterThan(0.5);
    expect(steady!.risk).toBeLessThan(struggling!.risk);
    expect(struggling!.setup).toBe('B');
    expect(struggling!.drivers.map((d) => d.text)).toEqual(
      expect.arrayContaining(['first-term grade 30 %', '2 repeated years', '9 absences in 40 days']),
    );
    expect(struggling!.drivers[0]!.contribution).toBeGreaterThan(0);
  });

  it('reads the same grade as riskier where the pass mark is higher', () => {
    const one = [student('s', { term1: 0.45 })];
    const [lenient] = scoreStudents(one, { ...settings, passMark: 0.4 });
    const [strict] = scoreStudents(one, { ...settings, passMark: 0.5 });
    expect(strict!.risk).toBeGreaterThan(lenient!.risk);
  });

  it('flags a student whose attendance collapsed against their class, and suggests careers from strengths', () => {
    const cohort = Array.from({ length: 20 }, (_, i) => student(`s${i}`));
    const collapsed = student('collapsed', {
      weeks: [...steadyWeeks.slice(0, 6), { days: 5, present: 1 }, { days: 5, present: 0 }],
      subjects: subjects(90),
    });
    const results = scoreStudents([...cohort, collapsed], settings);
    const flagged = results.filter((r) => r.anomalies.length > 0);
    expect(flagged.map((r) => r.studentId)).toEqual(['collapsed']);
    expect(flagged[0]!.anomalies[0]).toMatchObject({ kind: 'attendance' });
    expect(flagged[0]!.careers).toHaveLength(2);
    expect(flagged[0]!.careers.every((c) => c.strength === 90 && /90th percentile/.test(c.reason))).toBe(true);
    expect(results[0]!.careers).toEqual([]);
  });

  it('applies the school’s calibration to the risk, and keeps what the model read with the prediction', () => {
    const one = [student('s', { term1: 0.55, absences: 4 })];
    const [plain] = scoreStudents(one, settings);
    const [harsher] = scoreStudents(one, { ...settings, calibration: { B: -1.5 } });
    const [otherSetup] = scoreStudents(one, { ...settings, calibration: { A: -1.5 } });
    expect(harsher!.risk).toBeGreaterThan(plain!.risk);
    expect(otherSetup!.risk).toBe(plain!.risk);
    expect(harsher!.drivers).toEqual(plain!.drivers);
    expect(plain!.inputs).toMatchObject({ term2: null, failures: 0 });
    expect(plain!.inputs.term1).toBeCloseTo(0.55, 10);
    // Absences are read over a training year of 180 days: 4 in 40 days marked is 18.
    expect(plain!.inputs.absences).toBeCloseTo(18, 10);
  });

  it('scores a student with no grade yet on attendance and repeated years alone (setup C)', () => {
    const [result] = scoreStudents([student('new', { term1: null, recentScores: [], subjects: [] })], settings);
    expect(result!.setup).toBe('C');
    expect(result!.drivers.map((d) => d.feature).sort()).toEqual(['absences', 'failures']);
  });
});

describe('analytics settings', () => {
  it('fills the platform’s defaults and names every wrong field', () => {
    expect(analyticsSettings.parse({})).toMatchObject({
      atRiskThreshold: 0.5,
      guardiansSeeRisk: false,
      anomalies: { recentWeeks: 2, minAttendanceDrop: 0.2 },
    });
    const bad = analyticsSettings.safeParse({ atRiskThreshold: 2, anomalies: { recentWeeks: 0 }, extra: true });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((issue) => issue.path.join('.')).sort()).toEqual(
      ['', 'anomalies.recentWeeks', 'atRiskThreshold'].sort(),
    );
    // What an older version saved and this one no longer accepts falls back to the defaults.
    expect(analyticsSettingsOf({ atRiskThreshold: 'high' }).atRiskThreshold).toBe(0.5);
  });
});
