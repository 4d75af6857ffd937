import { describe, expect, it } from 'vitest';
import { peerPercentiles, type SubjectResult } from '../../lambdas/scoring/peer-percentiles';

const result = (
  studentId: string,
  classId: string,
  gradeLevelId: string,
  value: number,
  subject = 'MAT',
): SubjectResult => ({
  studentId,
  subject,
  classId,
  gradeLevelId,
  result: value,
});

describe('peer percentiles', () => {
  it('ranks each result within its class, grade and school, per subject, ties sharing a mid-rank', () => {
    const results = [
      result('a', '7A', 'g7', 10),
      result('b', '7A', 'g7', 14),
      result('c', '7A', 'g7', 14),
      result('d', '7B', 'g7', 18),
      result('e', '8A', 'g8', 6),
      result('a', '7A', 'g7', 19, 'POR'),
    ];
    const byStudent = (id: string, subject = 'MAT') =>
      peerPercentiles(results).find((p) => p.studentId === id && p.subject === subject)!;
    expect(byStudent('a')).toMatchObject({ class: 16.7, grade: 12.5, school: 30 });
    expect(byStudent('b')).toMatchObject({ class: 66.7, grade: 50, school: 60 });
    expect(byStudent('c').class).toBe(byStudent('b').class);
    expect(byStudent('d')).toMatchObject({ class: 50, grade: 87.5, school: 90 });
    // Another subject is ranked on its own.
    expect(byStudent('a', 'POR')).toMatchObject({ class: 50, grade: 50, school: 50 });
  });

  it('is the same on any scale, as only the order matters', () => {
    const onTwenty = peerPercentiles([result('a', 'c', 'g', 8), result('b', 'c', 'g', 12), result('c', 'c', 'g', 16)]);
    const onHundred = peerPercentiles([
      result('a', 'c', 'g', 40),
      result('b', 'c', 'g', 60),
      result('c', 'c', 'g', 80),
    ]);
    expect(onHundred).toEqual(onTwenty);
  });
});
