/**
 * The CSV files schools exchange with the platform: the columns an import takes and an
 * export writes, so that an exported file imports back unchanged.
 */

/** Columns of a past-attendance CSV. */
export const attendanceCsvColumns = ['admission_no', 'date', 'status', 'note'] as const;
export const requiredAttendanceCsvColumns = ['admission_no', 'date', 'status'] as const;

/** Columns of a past-scores CSV: one score per student and assessment; `class` defaults to the student's class that year. */
export const requiredScoreCsvColumns = [
  'admission_no',
  'year',
  'term',
  'subject',
  'assessment',
  'max_score',
  'score',
] as const;
export const scoreCsvColumns = [...requiredScoreCsvColumns, 'weight', 'held_on', 'class'] as const;
