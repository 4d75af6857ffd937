/** A grade band of the school's scale: scores at or above `minPercent` get `label`. */
export interface GradeBand {
  readonly label: string;
  readonly minPercent: number;
}

/** The label of the highest band a percentage reaches (the scale always has a band at 0). */
export function gradeFor(percent: number, scale: readonly GradeBand[]): string {
  const band = [...scale].sort((a, b) => b.minPercent - a.minPercent).find((b) => percent >= b.minPercent);
  return band?.label ?? '';
}

/**
 * Per-subject term results for the students of `:students` (a CTE of student ids) in term
 * `:termId`: the weighted percentage over the term's assessments (score / max × weight).
 */
export const termResultsSql = `SELECT sc.student_id, sub.id AS subject_id, sub.name AS subject,
         round(100 * sum(sc.score / a.max_score * a.weight) / sum(a.weight), 1)::float8 AS percent,
         count(*)::int AS assessments
    FROM scores sc
    JOIN assessments a ON a.id = sc.assessment_id AND a.term_id = :termId
    JOIN subjects sub ON sub.id = a.subject_id
   WHERE sc.student_id IN (SELECT id FROM students_in_scope)
   GROUP BY sc.student_id, sub.id, sub.name`;
