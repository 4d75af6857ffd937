import type { DataApiSession } from '../../shared/data-api';
import { auditEntry } from '../../shared/audit-entry';
import { scoresAudited, upsertScores } from '../assessments/assessments';
import { packedTuples, unpackTuples } from '../sql-fragments';
import { importResult, invalidRows, readCsv, rowsParameter } from './csv-file';
import {
  type ImportResult,
  requiredScoreCsvColumns,
  type RowReport,
  scoreCsvColumns,
  type ScoreCsvRow,
  scoreCsvRow,
} from './import.schemas';

/** What the school records for one row's names. */
interface ScoreCheck {
  n: number;
  studentFound: boolean;
  yearFound: boolean;
  termFound: boolean;
  subjectFound: boolean;
  classFound: boolean;
  /** Names one assessment (recorded or not) among the rows; null when the row does not name one the school could have. */
  assessmentKey: number | null;
  recorded: number | null;
}

/** An assessment the school has: its definition, which rows naming it must repeat. */
interface RecordedAssessment {
  maxScore: number;
  weight: number;
  heldOn: string | null;
}

/** How the rows define an assessment the commit creates: by the first row that names it. */
interface NewAssessment {
  row: number;
  maxScore: number;
  weight?: number;
  heldOn?: string;
}

/**
 * Imports past scores: one score per student and assessment, the assessment named by its
 * class, subject, term and name and created on commit when the school does not have it yet.
 * A dry run reports each row (one round trip); a commit writes the new assessments, new
 * scores and corrections in one audited statement, or nothing if any row is invalid. The
 * same file imported again changes nothing.
 */
export async function importScores(
  db: DataApiSession,
  actor: string,
  text: string,
  mode: 'dry-run' | 'commit',
): Promise<ImportResult> {
  const rows = readCsv(text, {
    kind: 'scores',
    columns: scoreCsvColumns,
    required: requiredScoreCsvColumns,
    rowSchema: scoreCsvRow,
    keyOf: (row) => JSON.stringify([row.admission_no, row.year, row.term, row.subject, row.assessment]),
    keyColumn: 'assessment',
  });
  const valid = rows.filter((row) => row.value);
  const checks = new Map<number, ScoreCheck>();
  const recordedAssessments = new Map<number, RecordedAssessment>();
  if (valid.length) {
    const found = await db.query<{ kind: 'rows' | 'assessments'; part: string | null }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset(:rows::jsonb)
             AS r(n int, admission_no text, year text, term text, subject text, assessment text, class text)),
       resolved AS (
         SELECT i.n, s.id AS student, y.id AS year, t.id AS term, sub.id AS subject, c.id AS class,
                a.id AS assessment, a.max_score, a.weight, a.held_on, sc.score AS recorded,
                CASE WHEN c.id IS NOT NULL AND sub.id IS NOT NULL AND t.id IS NOT NULL
                     THEN dense_rank() OVER (ORDER BY c.id, sub.id, t.id, i.assessment) END AS key
           FROM input i
           LEFT JOIN students s ON s.admission_no = i.admission_no
           LEFT JOIN classes current_class ON current_class.id = s.class_id
           LEFT JOIN academic_years y ON y.name = i.year
           LEFT JOIN terms t ON t.academic_year_id = y.id AND t.name = i.term
           LEFT JOIN subjects sub ON sub.code = i.subject
           LEFT JOIN classes c ON c.academic_year_id = y.id AND c.name = coalesce(i.class, current_class.name)
           LEFT JOIN assessments a
                  ON a.class_id = c.id AND a.subject_id = sub.id AND a.term_id = t.id AND a.name = i.assessment
           LEFT JOIN scores sc ON sc.assessment_id = a.id AND sc.student_id = s.id)
       SELECT 'rows' AS kind, part FROM (${packedTuples('SELECT * FROM resolved', [
         'n',
         '(student IS NOT NULL)::int',
         '(year IS NOT NULL)::int',
         '(term IS NOT NULL)::int',
         '(subject IS NOT NULL)::int',
         '(class IS NOT NULL)::int',
         'key',
         'recorded::float8',
       ])}) tuples
       UNION ALL
       SELECT 'assessments', json_agg(json_build_array(key, max_score::float8, weight::float8, held_on::text))::text
         FROM (SELECT DISTINCT key, max_score, weight, held_on FROM resolved WHERE assessment IS NOT NULL) recorded`,
      {
        rows: rowsParameter(
          valid.map(({ row, value }) => ({
            n: row,
            admission_no: value!.admission_no,
            year: value!.year,
            term: value!.term,
            subject: value!.subject,
            assessment: value!.assessment,
            class: value!.class ?? null,
          })),
        ),
      },
    );
    for (const [key, maxScore, weight, heldOn] of unpackTuples<[number, number, number, string | null]>(
      found.filter((part) => part.kind === 'assessments'),
    )) {
      recordedAssessments.set(key, { maxScore, weight, heldOn });
    }
    const tuples = unpackTuples<[number, number, number, number, number, number, number | null, number | null]>(
      found.filter((part) => part.kind === 'rows'),
    );
    for (const [n, student, year, term, subject, klass, assessmentKey, recorded] of tuples) {
      checks.set(n, {
        n,
        studentFound: student === 1,
        yearFound: year === 1,
        termFound: term === 1,
        subjectFound: subject === 1,
        classFound: klass === 1,
        assessmentKey,
        recorded,
      });
    }
  }

  const report: RowReport[] = [];
  const newAssessments = new Map<number, NewAssessment>();
  const toWrite: { value: ScoreCsvRow; assessmentKey: number }[] = [];
  let fresh = 0;
  let updated = 0;
  let unchanged = 0;
  for (const row of rows) {
    const check = checks.get(row.row);
    const value = row.value;
    const errors = [...row.errors];
    if (value && check) errors.push(...namingErrors(value, check));
    if (value && check && !errors.length) {
      const key = check.assessmentKey!;
      const recordedAssessment = recordedAssessments.get(key);
      const defined = newAssessments.get(key);
      if (recordedAssessment) {
        errors.push(...definitionErrors(value, recordedAssessment, 'the recorded assessment'));
      } else if (defined) {
        errors.push(...definitionErrors(value, defined, `row ${defined.row}`));
        if (defined.weight === undefined && value.weight !== undefined) defined.weight = value.weight;
        if (defined.heldOn === undefined && value.held_on !== undefined) defined.heldOn = value.held_on;
      } else {
        newAssessments.set(key, {
          row: row.row,
          maxScore: value.max_score,
          ...(value.weight === undefined ? {} : { weight: value.weight }),
          ...(value.held_on === undefined ? {} : { heldOn: value.held_on }),
        });
      }
      const maxScore = recordedAssessment?.maxScore ?? value.max_score;
      if (value.score > maxScore) errors.push({ column: 'score', message: `is above the max score ${maxScore}` });
    }
    const admissionNo = value?.admission_no ?? null;
    if (errors.length || !value || !check) {
      report.push({ row: row.row, admissionNo, outcome: 'invalid', errors });
    } else if (check.recorded === value.score) {
      unchanged++;
    } else {
      if (check.recorded !== null) {
        updated++;
        report.push({ row: row.row, admissionNo, outcome: 'updated', errors: [] });
      } else fresh++;
      toWrite.push({ value, assessmentKey: check.assessmentKey! });
    }
  }
  const result = importResult(mode, rows.length, { new: fresh, updated, unchanged }, report);
  // Built before a dry run answers, so that a file too large to commit is refused by the dry run too.
  const commitRows = rowsParameter(
    toWrite.map(({ value, assessmentKey }) => {
      // Every row of a new assessment carries its definition, so that any of them can create it.
      const defined = newAssessments.get(assessmentKey);
      return {
        admission_no: value.admission_no,
        year: value.year,
        term: value.term,
        subject: value.subject,
        class: value.class ?? null,
        assessment: value.assessment,
        max_score: defined?.maxScore ?? value.max_score,
        weight: defined?.weight ?? null,
        held_on: defined?.heldOn ?? null,
        score: value.score,
      };
    }),
  );
  if (mode === 'dry-run' || toWrite.length === 0) return result;
  if (result.invalid) throw invalidRows(report);

  // The names are resolved again as the dry run did; an assessment another import creates
  // meanwhile is taken as it is (the no-op update returns its id).
  const [written] = await db.query<{ written: number }>(
    `WITH input AS (
       SELECT * FROM jsonb_to_recordset(:rows::jsonb)
           AS r(admission_no text, year text, term text, subject text, class text, assessment text,
                max_score numeric, weight numeric, held_on date, score numeric)),
     resolved AS (
       SELECT s.id AS student_id, c.id AS class_id, sub.id AS subject_id, t.id AS term_id, i.assessment AS name,
              i.max_score, i.weight, i.held_on, i.score
         FROM input i
         JOIN students s ON s.admission_no = i.admission_no
         LEFT JOIN classes current_class ON current_class.id = s.class_id
         JOIN academic_years y ON y.name = i.year
         JOIN terms t ON t.academic_year_id = y.id AND t.name = i.term
         JOIN subjects sub ON sub.code = i.subject
         JOIN classes c ON c.academic_year_id = y.id AND c.name = coalesce(i.class, current_class.name)),
     created AS (
       INSERT INTO assessments (class_id, subject_id, term_id, name, max_score, weight, held_on)
       SELECT DISTINCT ON (class_id, subject_id, term_id, name)
              class_id, subject_id, term_id, name, max_score, coalesce(weight, 1), held_on
         FROM resolved r
        WHERE NOT EXISTS (SELECT 1 FROM assessments a
                           WHERE (a.class_id, a.subject_id, a.term_id, a.name) = (r.class_id, r.subject_id, r.term_id, r.name))
        ORDER BY class_id, subject_id, term_id, name
       ON CONFLICT (class_id, subject_id, term_id, name) DO UPDATE SET name = excluded.name
       RETURNING *, xmax = 0 AS inserted),
     new_assessments AS (
       SELECT id, class_id, subject_id, term_id, name, max_score, weight, held_on FROM created WHERE inserted),
     targets AS (
       SELECT coalesce(a.id, c.id) AS assessment_id, r.student_id, r.score
         FROM resolved r
         LEFT JOIN assessments a
                ON (a.class_id, a.subject_id, a.term_id, a.name) = (r.class_id, r.subject_id, r.term_id, r.name)
         LEFT JOIN created c
                ON (c.class_id, c.subject_id, c.term_id, c.name) = (r.class_id, r.subject_id, r.term_id, r.name)),
     ${upsertScores('SELECT assessment_id, student_id, score FROM targets')},
     ${auditEntry({
       action: 'import',
       entity: 'score',
       rows: 'many',
       parts: { assessments: { after: 'new_assessments' }, scores: scoresAudited },
     })}
     SELECT count(*)::int AS written FROM upserted`,
    {
      actor,
      rows: commitRows,
    },
  );
  return { ...result, created: written!.written };
}

/** Names in the row that match nothing the school records. */
function namingErrors(value: ScoreCsvRow, check: ScoreCheck): RowReport['errors'] {
  const errors: RowReport['errors'] = [];
  if (!check.studentFound) errors.push({ column: 'admission_no', message: 'is not a student of this school' });
  if (!check.yearFound) errors.push({ column: 'year', message: 'is not an academic year of this school' });
  else if (!check.termFound) errors.push({ column: 'term', message: `is not a term of ${value.year}` });
  if (!check.subjectFound) errors.push({ column: 'subject', message: 'is not a subject code of this school' });
  if (check.yearFound && check.studentFound && !check.classFound) {
    errors.push(
      value.class
        ? { column: 'class', message: `is not a class of ${value.year}` }
        : { column: 'class', message: `is needed: the student's class is not one of ${value.year}` },
    );
  }
  return errors;
}

/** Differences between the row's definition of its assessment and an earlier one (recorded, or an earlier row's). */
function definitionErrors(
  value: ScoreCsvRow,
  defined: { maxScore: number; weight?: number | undefined; heldOn?: string | null | undefined },
  source: string,
): RowReport['errors'] {
  const errors: RowReport['errors'] = [];
  if (value.max_score !== defined.maxScore)
    errors.push({ column: 'max_score', message: `differs from ${source} (${defined.maxScore})` });
  if (value.weight !== undefined && defined.weight !== undefined && value.weight !== defined.weight)
    errors.push({ column: 'weight', message: `differs from ${source} (${defined.weight})` });
  if (value.held_on !== undefined && defined.heldOn != null && value.held_on !== defined.heldOn)
    errors.push({ column: 'held_on', message: `differs from ${source} (${defined.heldOn})` });
  return errors;
}
