import { consentInForceSql } from '../../shared/consents';
import { isoTimestampSql } from '../sql-fragments';
import type { QueryableFields } from './list-query';

/**
 * The school's data as OneRoster 1.2 records: each record type is SQL over the school's own
 * tables, in two parts so a page costs what it shows. `rows` yields one row per record with the
 * plain columns its fields, filters and sorts need (cheap to make for every record); `record`
 * builds the JSON of one of those rows (references, arrays), run only for the rows of the page.
 *
 * The mapping: the school is the one org (type school); academic years, terms and one grading
 * period per term are academic sessions; a grade level is a homeroom course and each subject
 * taught in it a course; a class is a homeroom class and each subject taught in it a scheduled
 * class; staff, students and guardians are users with their roles; a student's place in a class
 * and a teacher's assignment are enrollments. Records that were made of others have ids made of
 * theirs (`roster_id`), so every `sourcedId` is the same on every run. Students whose guardians
 * refused or withdrew consent to integrations are not shown, nor anything about them.
 */

export const rosteringBase = '/ims/oneroster/rostering/v1p2';
export const gradebookBase = '/ims/oneroster/gradebook/v1p2';

/** How the records of a type are made: their rows, and the JSON of one row (alias `p`). */
export interface RecordType {
  /** SQL yielding one row per record; every field of `fields` is a column of it. */
  readonly rows: string;
  /** SQL of the JSON object of the record in row `p`. */
  readonly record: string;
  /** The fields a list can be filtered or sorted on, as columns of `rows` (alias `v`). */
  readonly fields: QueryableFields;
  /** Every field a record may have (what `fields=` may name). */
  readonly names: readonly string[];
}

/** The school's org id, a bound parameter of every query. */
const schoolIdSql = 'CAST(:schoolId AS text)';

const stamp = (column: string) => isoTimestampSql(column);

/** A reference to another record (OneRoster's GUIDRef). */
const ref = (type: string, base: string, collection: string, idSql: string) =>
  `jsonb_build_object('href', '${base}/${collection}/' || (${idSql})::text, 'sourcedId', (${idSql})::text, 'type', '${type}')`;

export const refs = {
  org: (id: string) => ref('org', rosteringBase, 'orgs', id),
  session: (id: string) => ref('academicSession', rosteringBase, 'academicSessions', id),
  course: (id: string) => ref('course', rosteringBase, 'courses', id),
  class: (id: string) => ref('class', rosteringBase, 'classes', id),
  user: (id: string) => ref('user', rosteringBase, 'users', id),
  lineItem: (id: string) => ref('lineItem', gradebookBase, 'lineItems', id),
  category: (id: string) => ref('category', gradebookBase, 'categories', id),
  scoreScale: (id: string) => ref('scoreScale', gradebookBase, 'scoreScales', id),
};

/** SQL (boolean): whether integrations may see the student row `s` (no refusal or withdrawal of consent in force). */
export const sharedWithIntegrationsSql = (s: string) =>
  `coalesce(${consentInForceSql(`${s}.id`, 'integrations')}, 'given') NOT IN ('refused', 'withdrawn')`;

const shownStudents = `(SELECT * FROM students s WHERE s.status <> 'erased' AND ${sharedWithIntegrationsSql('s')})`;

/** The (class, subject) pairs taught or assessed: each is a scheduled class. */
const scheduledPairs = `(SELECT class_id, subject_id, max(updated_at) AS updated_at FROM (
     SELECT class_id, subject_id, created_at AS updated_at FROM teaching_assignments
     UNION ALL SELECT class_id, subject_id, updated_at FROM assessments) pairs GROUP BY class_id, subject_id)`;

const common = {
  sourcedId: { sql: 'v."sourcedId"', kind: 'text' },
  status: { sql: 'v.status', kind: 'text' },
  dateLastModified: { sql: 'v."dateLastModified"', kind: 'datetime' },
} as const satisfies QueryableFields;

/** The fields every record has, which `fields=` may name of any record. */
const baseNames = ['sourcedId', 'status', 'dateLastModified', 'metadata'] as const;

/** The fields every record has, from its row. */
const commonJson = `'sourcedId', p."sourcedId", 'status', p.status, 'dateLastModified', ${stamp('p."dateLastModified"')}`;

/** `'active'` or `'tobedeleted'`, from whether the row is still in use. */
const statusOf = (active: string) => `CASE WHEN ${active} THEN 'active' ELSE 'tobedeleted' END`;

export const orgs: RecordType = {
  rows: `SELECT CAST(:schoolId AS text) AS "sourcedId", 'active' AS status,
                coalesce(ss.updated_at, (SELECT min(applied_at) FROM schema_migrations)) AS "dateLastModified",
                coalesce(ss.name, CAST(:schoolSlug AS text)) AS name, 'school' AS type, CAST(:schoolSlug AS text) AS identifier
           FROM (SELECT 1) school LEFT JOIN school_settings ss ON true`,
  record: `jsonb_build_object(${commonJson}, 'name', p.name, 'type', p.type, 'identifier', p.identifier)`,
  fields: {
    ...common,
    name: { sql: 'v.name', kind: 'text' },
    type: { sql: 'v.type', kind: 'text' },
    identifier: { sql: 'v.identifier', kind: 'text' },
  },
  names: [...baseNames, 'name', 'type', 'identifier', 'parent', 'children'],
};

/**
 * Academic years (schoolYear), their terms (term) and each term's grading period (gradingPeriod).
 * OneRoster's end dates are exclusive, the school's last days inclusive: a session ends the day after.
 */
export const academicSessions: RecordType = {
  rows: `SELECT y.id::text AS "sourcedId", 'active' AS status, y.updated_at AS "dateLastModified", y.name AS title,
                'schoolYear' AS type, y.starts_on AS "startDate", y.ends_on + 1 AS "endDate",
                extract(year FROM y.ends_on)::text AS "schoolYear", NULL::uuid AS parent_id, y.id AS year_id, NULL::uuid AS term_id
           FROM academic_years y
         UNION ALL
         SELECT t.id::text, 'active', greatest(t.updated_at, y.updated_at), t.name, 'term', t.starts_on, t.ends_on + 1,
                extract(year FROM y.ends_on)::text, y.id, y.id, t.id
           FROM terms t JOIN academic_years y ON y.id = t.academic_year_id
         UNION ALL
         SELECT roster_id('gradingPeriod', t.id)::text, 'active', greatest(t.updated_at, y.updated_at), t.name,
                'gradingPeriod', t.starts_on, t.ends_on + 1, extract(year FROM y.ends_on)::text, t.id, y.id, t.id
           FROM terms t JOIN academic_years y ON y.id = t.academic_year_id`,
  record: `jsonb_strip_nulls(jsonb_build_object(${commonJson}, 'title', p.title, 'type', p.type,
             'startDate', p."startDate", 'endDate', p."endDate", 'schoolYear', p."schoolYear",
             'parent', CASE WHEN p.parent_id IS NOT NULL THEN ${refs.session('p.parent_id')} END,
             'children', CASE p.type
               WHEN 'schoolYear' THEN (SELECT coalesce(jsonb_agg(${refs.session('t.id')} ORDER BY t.starts_on), '[]')
                                         FROM terms t WHERE t.academic_year_id = p.year_id)
               WHEN 'term' THEN jsonb_build_array(${refs.session("roster_id('gradingPeriod', p.term_id)")})
               ELSE '[]'::jsonb END,
             'org', ${refs.org(schoolIdSql)}))`,
  fields: {
    ...common,
    title: { sql: 'v.title', kind: 'text' },
    type: { sql: 'v.type', kind: 'text' },
    startDate: { sql: 'v."startDate"', kind: 'date' },
    endDate: { sql: 'v."endDate"', kind: 'date' },
    schoolYear: { sql: 'v."schoolYear"', kind: 'text' },
  },
  names: [...baseNames, 'title', 'startDate', 'endDate', 'type', 'parent', 'children', 'schoolYear', 'org'],
};

/** A grade level is a homeroom course; each subject taught or assessed in it, a course of its own. */
export const courses: RecordType = {
  rows: `SELECT roster_id('course', gl.id)::text AS "sourcedId", 'active' AS status, gl.updated_at AS "dateLastModified",
                gl.name AS title, gl.name AS "courseCode", gl.id AS grade_level_id, NULL::uuid AS subject_id
           FROM grade_levels gl
         UNION ALL
         SELECT roster_id('course', gl.id, sub.id)::text, 'active', greatest(gl.updated_at, sub.updated_at, max(sp.updated_at)),
                sub.name || ' · ' || gl.name, sub.code, gl.id, sub.id
           FROM ${scheduledPairs} sp JOIN classes c ON c.id = sp.class_id JOIN grade_levels gl ON gl.id = c.grade_level_id
           JOIN subjects sub ON sub.id = sp.subject_id
          GROUP BY gl.id, sub.id`,
  record: `jsonb_strip_nulls(jsonb_build_object(${commonJson}, 'title', p.title, 'courseCode', p."courseCode",
             'subjects', CASE WHEN p.subject_id IS NOT NULL THEN (SELECT jsonb_build_array(name) FROM subjects WHERE id = p.subject_id) END,
             'org', ${refs.org(schoolIdSql)}))`,
  fields: { ...common, title: { sql: 'v.title', kind: 'text' }, courseCode: { sql: 'v."courseCode"', kind: 'text' } },
  names: [...baseNames, 'title', 'schoolYear', 'courseCode', 'grades', 'subjects', 'org', 'subjectCodes', 'resources'],
};

/** A class is a homeroom class; each subject taught or assessed in it, a scheduled class. */
export const classes: RecordType = {
  rows: `SELECT c.id::text AS "sourcedId", 'active' AS status, c.updated_at AS "dateLastModified", c.name AS title,
                c.name AS "classCode", 'homeroom' AS "classType", c.id AS class_id, NULL::uuid AS subject_id,
                roster_id('course', c.grade_level_id)::text AS course_id, c.academic_year_id AS year_id
           FROM classes c
         UNION ALL
         SELECT roster_id('class', c.id, sub.id)::text, 'active', greatest(c.updated_at, sub.updated_at, sp.updated_at),
                c.name || ' · ' || sub.name, sub.code, 'scheduled', c.id, sub.id,
                roster_id('course', c.grade_level_id, sub.id)::text, c.academic_year_id
           FROM ${scheduledPairs} sp JOIN classes c ON c.id = sp.class_id JOIN subjects sub ON sub.id = sp.subject_id`,
  record: `jsonb_strip_nulls(jsonb_build_object(${commonJson}, 'title', p.title, 'classCode', p."classCode",
             'classType', p."classType",
             'subjects', CASE WHEN p.subject_id IS NOT NULL THEN (SELECT jsonb_build_array(name) FROM subjects WHERE id = p.subject_id) END,
             'course', ${refs.course('p.course_id')}, 'school', ${refs.org(schoolIdSql)},
             'terms', (SELECT coalesce(jsonb_agg(${refs.session('t.id')} ORDER BY t.starts_on), '[]')
                         FROM terms t WHERE t.academic_year_id = p.year_id)))`,
  fields: {
    ...common,
    title: { sql: 'v.title', kind: 'text' },
    classCode: { sql: 'v."classCode"', kind: 'text' },
    classType: { sql: 'v."classType"', kind: 'text' },
  },
  names: [
    ...baseNames,
    'title',
    'classCode',
    'classType',
    'location',
    'grades',
    'subjects',
    'course',
    'school',
    'terms',
    'subjectCodes',
    'periods',
    'resources',
  ],
};

/** How a guardian's relationship reads as a OneRoster role. */
const guardianRoleSql = (relationship: string) =>
  `CASE WHEN lower(${relationship}) IN ('mother', 'father', 'parent', 'mãe', 'pai') THEN 'parent'
        WHEN lower(${relationship}) IN ('grandmother', 'grandfather', 'grandparent', 'aunt', 'uncle', 'sibling', 'avó', 'avô', 'tia', 'tio')
          THEN 'relative'
        ELSE 'guardian' END`;

/** Staff, students and guardians (a guardian while a child of theirs is shown), and removed users. */
const userRows = `WITH shown AS ${shownStudents},
     live AS (
       SELECT st.id::text AS "sourcedId", ${statusOf("st.status <> 'deactivated'")} AS status, st.updated_at AS "dateLastModified",
              st.email AS username, (st.status <> 'deactivated')::text AS "enabledUser",
              split_part(st.name, ' ', 1) AS "givenName",
              coalesce(nullif(substr(st.name, length(split_part(st.name, ' ', 1)) + 2), ''), st.name) AS "familyName",
              st.email, NULL::text AS identifier,
              CASE st.role WHEN 'teacher' THEN 'teacher' WHEN 'school-admin' THEN 'siteAdministrator' ELSE 'ext:bursar' END AS role,
              -- Staff of another role who teach a class (an admin with a subject) are teachers too.
              st.role = 'teacher' OR EXISTS (SELECT 1 FROM teaching_assignments ta WHERE ta.staff_id = st.id)
                OR EXISTS (SELECT 1 FROM classes c WHERE c.homeroom_teacher_id = st.id) AS teaches,
              st.id AS person_id, 'staff' AS kind
         FROM staff st
       UNION ALL
       SELECT s.id::text, ${statusOf("s.status = 'active'")}, s.updated_at, s.admission_no, (s.status = 'active')::text,
              s.given_name, s.family_name, NULL, s.admission_no, 'student', false, s.id, 'student'
         FROM shown s
       UNION ALL
       SELECT g.id::text, 'active', g.updated_at, coalesce(g.email, g.id::text), (g.user_sub IS NOT NULL)::text,
              split_part(g.name, ' ', 1), coalesce(nullif(substr(g.name, length(split_part(g.name, ' ', 1)) + 2), ''), g.name),
              g.email, NULL, (SELECT ${guardianRoleSql('sg.relationship')} FROM student_guardians sg
                               WHERE sg.guardian_id = g.id ORDER BY sg.created_at LIMIT 1),
              false, g.id, 'guardian'
         FROM guardians g
        WHERE EXISTS (SELECT 1 FROM student_guardians sg JOIN shown s ON s.id = sg.student_id WHERE sg.guardian_id = g.id))
     SELECT * FROM live
     UNION ALL
     SELECT r.sourced_id::text, 'tobedeleted', r.removed_at, r.sourced_id::text, 'false', '', '', NULL, NULL, r.role,
            r.role = 'teacher', r.sourced_id, 'removed'
       FROM roster_removals r
      WHERE r.kind = 'user' AND NOT EXISTS (SELECT 1 FROM live l WHERE l."sourcedId" = r.sourced_id::text)`;

export const users: RecordType = {
  rows: userRows,
  record: `jsonb_strip_nulls(jsonb_build_object(${commonJson}, 'username', p.username, 'enabledUser', p."enabledUser",
             'givenName', p."givenName", 'familyName', p."familyName", 'email', p.email, 'identifier', p.identifier,
             'userIds', CASE WHEN p.identifier IS NOT NULL
                          THEN jsonb_build_array(jsonb_build_object('type', 'admissionNumber', 'identifier', p.identifier)) END,
             'roles', jsonb_build_array(jsonb_build_object('roleType', 'primary', 'role', p.role, 'org', ${refs.org(schoolIdSql)}))
                      || CASE WHEN p.teaches AND p.role <> 'teacher'
                           THEN jsonb_build_array(jsonb_build_object('roleType', 'secondary', 'role', 'teacher', 'org', ${refs.org(schoolIdSql)}))
                           ELSE '[]'::jsonb END,
             'primaryOrg', ${refs.org(schoolIdSql)},
             'agents', CASE p.kind
               WHEN 'student' THEN (SELECT coalesce(jsonb_agg(${refs.user('sg.guardian_id')} ORDER BY sg.created_at), '[]')
                                      FROM student_guardians sg WHERE sg.student_id = p.person_id)
               WHEN 'guardian' THEN (SELECT coalesce(jsonb_agg(${refs.user('s.id')} ORDER BY sg.created_at), '[]')
                                       FROM student_guardians sg JOIN ${shownStudents} s ON s.id = sg.student_id
                                      WHERE sg.guardian_id = p.person_id)
               ELSE '[]'::jsonb END))`,
  fields: {
    ...common,
    username: { sql: 'v.username', kind: 'text' },
    enabledUser: { sql: 'v."enabledUser"', kind: 'text' },
    givenName: { sql: 'v."givenName"', kind: 'text' },
    familyName: { sql: 'v."familyName"', kind: 'text' },
    email: { sql: 'v.email', kind: 'text' },
    identifier: { sql: 'v.identifier', kind: 'text' },
  },
  names: [
    ...baseNames,
    'userMasterIdentifier',
    'username',
    'userIds',
    'enabledUser',
    'givenName',
    'familyName',
    'middleName',
    'preferredFirstName',
    'preferredMiddleName',
    'preferredLastName',
    'pronouns',
    'roles',
    'userProfiles',
    'identifier',
    'email',
    'sms',
    'phone',
    'agents',
    'grades',
    'password',
    'resources',
    'primaryOrg',
  ],
};

/** Students in their class and its subjects, teachers in their subjects' classes and homerooms, and removed enrollments. */
const enrollmentRows = `WITH shown AS ${shownStudents},
     scheduled AS ${scheduledPairs},
     live AS (
       SELECT roster_id('enrollment', s.id, s.class_id)::text AS "sourcedId", 'active' AS status, s.updated_at AS "dateLastModified",
              'student' AS role, 'false' AS "primary", s.enrolled_on AS "beginDate", s.id AS user_id, s.class_id::text AS class_id
         FROM shown s WHERE s.status = 'active' AND s.class_id IS NOT NULL
       UNION ALL
       SELECT roster_id('enrollment', s.id, roster_id('class', sp.class_id, sp.subject_id))::text, 'active',
              greatest(s.updated_at, sp.updated_at), 'student', 'false', s.enrolled_on, s.id,
              roster_id('class', sp.class_id, sp.subject_id)::text
         FROM shown s JOIN scheduled sp ON sp.class_id = s.class_id WHERE s.status = 'active'
       UNION ALL
       SELECT roster_id('enrollment', ta.staff_id, roster_id('class', ta.class_id, ta.subject_id))::text, 'active',
              greatest(ta.created_at, st.updated_at), 'teacher', 'true', NULL::date, ta.staff_id,
              roster_id('class', ta.class_id, ta.subject_id)::text
         FROM teaching_assignments ta JOIN staff st ON st.id = ta.staff_id
       UNION ALL
       SELECT roster_id('enrollment', c.homeroom_teacher_id, c.id)::text, 'active', c.updated_at, 'teacher', 'true', NULL::date,
              c.homeroom_teacher_id, c.id::text
         FROM classes c WHERE c.homeroom_teacher_id IS NOT NULL)
     SELECT * FROM live
     UNION ALL
     SELECT r.sourced_id::text, 'tobedeleted', r.removed_at, r.role, 'false', NULL::date, r.user_id, r.class_id::text
       FROM roster_removals r
      WHERE r.kind = 'enrollment' AND NOT EXISTS (SELECT 1 FROM live l WHERE l."sourcedId" = r.sourced_id::text)`;

export const enrollments: RecordType = {
  rows: enrollmentRows,
  record: `jsonb_strip_nulls(jsonb_build_object(${commonJson}, 'role', p.role, 'primary', p."primary",
             'beginDate', p."beginDate", 'user', ${refs.user('p.user_id')}, 'class', ${refs.class('p.class_id')},
             'school', ${refs.org(schoolIdSql)}))`,
  fields: {
    ...common,
    role: { sql: 'v.role', kind: 'text' },
    primary: { sql: 'v."primary"', kind: 'text' },
    beginDate: { sql: 'v."beginDate"', kind: 'date' },
  },
  names: [...baseNames, 'user', 'class', 'school', 'role', 'primary', 'beginDate', 'endDate'],
};

/** A subject's assessments are a category of line items. */
export const categories: RecordType = {
  rows: `SELECT roster_id('category', sub.id)::text AS "sourcedId", 'active' AS status, sub.updated_at AS "dateLastModified",
                sub.name AS title, sub.id AS subject_id
           FROM subjects sub WHERE EXISTS (SELECT 1 FROM assessments a WHERE a.subject_id = sub.id)`,
  record: `jsonb_build_object(${commonJson}, 'title', p.title)`,
  fields: { ...common, title: { sql: 'v.title', kind: 'text' } },
  names: [...baseNames, 'title', 'weight'],
};

/** SQL: the id of the score scale of a (scheduled) class, given the class's id. */
export const scoreScaleIdSql = (classId: string) => `roster_id('scoreScale', CAST(${classId} AS uuid))`;

/** The school's grading scale (percentages to grades), as the score scale of each class that has line items. */
export const scoreScales: RecordType = {
  rows: `SELECT ${scoreScaleIdSql("roster_id('class', c.id, sub.id)")}::text AS "sourcedId", 'active' AS status,
                greatest(ss.updated_at, c.updated_at, sub.updated_at) AS "dateLastModified",
                'Grading scale · ' || c.name || ' · ' || sub.name AS title, 'percentage' AS type, ss.grading_scale AS scale,
                roster_id('class', c.id, sub.id)::text AS class_id, roster_id('course', c.grade_level_id, sub.id)::text AS course_id
           FROM (SELECT DISTINCT class_id, subject_id FROM assessments) a
           JOIN classes c ON c.id = a.class_id JOIN subjects sub ON sub.id = a.subject_id, school_settings ss`,
  record: `jsonb_build_object(${commonJson}, 'title', p.title, 'type', p.type,
             'class', ${refs.class('p.class_id')}, 'course', ${refs.course('p.course_id')},
             'scoreScaleValue', (SELECT coalesce(jsonb_agg(jsonb_build_object(
                                   'itemValueLHS', (band->>'minPercent'), 'itemValueRHS', band->>'label')
                                   ORDER BY (band->>'minPercent')::numeric DESC), '[]')
                                   FROM jsonb_array_elements(p.scale) band))`,
  fields: { ...common, title: { sql: 'v.title', kind: 'text' }, type: { sql: 'v.type', kind: 'text' } },
  names: [...baseNames, 'title', 'type', 'class', 'course', 'scoreScaleValue'],
};

/** Assessments are line items of their class's subject (its scheduled class). */
export const lineItems: RecordType = {
  rows: `SELECT a.id::text AS "sourcedId", 'active' AS status, a.updated_at AS "dateLastModified", a.name AS title,
                coalesce(a.held_on, t.starts_on) AS "assignDate", coalesce(a.held_on, t.ends_on) AS "dueDate",
                0::numeric AS "resultValueMin", a.max_score AS "resultValueMax",
                roster_id('class', a.class_id, a.subject_id)::text AS class_id, a.subject_id, a.term_id
           FROM assessments a JOIN terms t ON t.id = a.term_id`,
  record: `jsonb_build_object(${commonJson}, 'title', p.title, 'assignDate', ${stamp('p."assignDate"')},
             'dueDate', ${stamp('p."dueDate"')}, 'class', ${refs.class('p.class_id')}, 'school', ${refs.org(schoolIdSql)},
             'category', ${refs.category("roster_id('category', p.subject_id)")},
             'gradingPeriod', ${refs.session("roster_id('gradingPeriod', p.term_id)")},
             'academicSession', ${refs.session('p.term_id')},
             'scoreScale', ${refs.scoreScale(scoreScaleIdSql('p.class_id'))},
             'resultValueMin', p."resultValueMin", 'resultValueMax', p."resultValueMax")`,
  fields: {
    ...common,
    title: { sql: 'v.title', kind: 'text' },
    assignDate: { sql: 'v."assignDate"::timestamptz', kind: 'datetime' },
    dueDate: { sql: 'v."dueDate"::timestamptz', kind: 'datetime' },
    resultValueMin: { sql: 'v."resultValueMin"', kind: 'number' },
    resultValueMax: { sql: 'v."resultValueMax"', kind: 'number' },
  },
  names: [
    ...baseNames,
    'title',
    'description',
    'assignDate',
    'dueDate',
    'class',
    'school',
    'category',
    'gradingPeriod',
    'academicSession',
    'scoreScale',
    'resultValueMin',
    'resultValueMax',
    'learningObjectiveSet',
  ],
};

/** Scores are results, of students integrations may see. */
export const results: RecordType = {
  rows: `SELECT sc.result_sourced_id AS "sourcedId", 'active' AS status, sc.entered_at AS "dateLastModified",
                'fully graded' AS "scoreStatus", sc.score, sc.entered_at::date AS "scoreDate",
                sc.assessment_id, sc.student_id, roster_id('class', a.class_id, a.subject_id)::text AS class_id
           FROM scores sc JOIN assessments a ON a.id = sc.assessment_id
           JOIN ${shownStudents} s ON s.id = sc.student_id`,
  record: `jsonb_build_object(${commonJson}, 'lineItem', ${refs.lineItem('p.assessment_id')},
             'student', ${refs.user('p.student_id')}, 'class', ${refs.class('p.class_id')},
             'scoreScale', ${refs.scoreScale(scoreScaleIdSql('p.class_id'))},
             'scoreStatus', p."scoreStatus", 'score', p.score, 'scoreDate', p."scoreDate")`,
  fields: {
    ...common,
    scoreStatus: { sql: 'v."scoreStatus"', kind: 'text' },
    score: { sql: 'v.score', kind: 'number' },
    scoreDate: { sql: 'v."scoreDate"', kind: 'date' },
  },
  names: [
    ...baseNames,
    'lineItem',
    'student',
    'class',
    'scoreScale',
    'scoreStatus',
    'score',
    'textScore',
    'scoreDate',
    'comment',
    'learningObjectiveSet',
    'inProgress',
    'incomplete',
    'late',
    'missing',
  ],
};
