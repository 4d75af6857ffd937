import { anomalyFlags, type StudentHistory } from '../../lambdas/scoring/anomalies';
import { defaultAnomalySettings } from '../../lambdas/shared/analytics-settings';
import { seededRandom } from '../../local/demo/demo-data';

/**
 * A cohort of 300 with known anomalies injected: 15 students whose attendance collapses in
 * the last two weeks, 15 whose latest score falls far below their usual; around them,
 * chronic low attenders, noisy weeks, and a flu week and a hard test that hit everyone.
 */
export function syntheticCohort(seed: number) {
  const random = seededRandom(seed);
  const attendanceDrops = new Set<string>();
  const gradeDrops = new Set<string>();
  const histories: StudentHistory[] = Array.from({ length: 300 }, (_, i) => {
    const studentId = `s${i}`;
    const chronic = random.chance(0.08);
    const rate = chronic ? 0.55 + random.next() * 0.2 : 0.86 + random.next() * 0.14;
    const level = 0.35 + random.next() * 0.55;
    const dropsAttendance = i % 20 === 3;
    const dropsGrades = i % 20 === 11;
    if (dropsAttendance) attendanceDrops.add(studentId);
    if (dropsGrades) gradeDrops.add(studentId);
    const attendance = Array.from({ length: 12 }, (_, week) => {
      // The injected drop: the student stops coming most days in the last two weeks; week 11 is a flu week.
      const p = (dropsAttendance && week >= 10 ? 0.2 : rate) * (week === 10 ? 0.85 : 1);
      return { days: 5, present: Array.from({ length: 5 }, () => random.chance(p)).filter(Boolean).length };
    });
    const scores = Array.from({ length: 8 }, (_, k) => {
      // The last test was hard for everyone (-0.08); the injected drop is far larger.
      const centre = level - (k === 7 ? 0.08 : 0) - (dropsGrades && k === 7 ? 0.35 : 0);
      return Math.min(1, Math.max(0, centre + random.normal() * 0.06));
    });
    return { studentId, attendance, scores };
  });
  return { histories, attendanceDrops, gradeDrops };
}

function precisionRecall(flagged: ReadonlySet<string>, truth: ReadonlySet<string>) {
  const hits = [...flagged].filter((id) => truth.has(id)).length;
  return { precision: flagged.size ? hits / flagged.size : 1, recall: hits / truth.size };
}

/** Precision and recall of each kind of flag, pooled over cohorts from several seeds. */
export function anomalyDetectionQuality(seeds: readonly number[], settings = defaultAnomalySettings) {
  const found = { attendance: [] as string[], grades: [] as string[] };
  const truth = { attendance: [] as string[], grades: [] as string[] };
  for (const seed of seeds) {
    const { histories, attendanceDrops, gradeDrops } = syntheticCohort(seed);
    for (const flag of anomalyFlags(histories, settings)) found[flag.kind].push(`${seed}/${flag.studentId}`);
    truth.attendance.push(...[...attendanceDrops].map((id) => `${seed}/${id}`));
    truth.grades.push(...[...gradeDrops].map((id) => `${seed}/${id}`));
  }
  return {
    attendance: precisionRecall(new Set(found.attendance), new Set(truth.attendance)),
    grades: precisionRecall(new Set(found.grades), new Set(truth.grades)),
  };
}
