import * as z from 'zod';
import type { IntegrationScopeName } from '../../shared/integration-scopes';
import { routeGroup, type RouteSpec } from '../route-contract';
import { listQuery, recordQuery } from './list-query';
import {
  academicSession,
  category,
  course,
  enrollment,
  lineItem,
  listOf,
  oneOf,
  oneRosterClass,
  org,
  result,
  resultPut,
  scoreScale,
  sourcedIdParam,
  user,
} from './oneroster.schemas';

/**
 * OneRoster 1.2's REST endpoints of the school's rostering and gradebook, as the spec names them
 * (its operation ids) under its own paths, for integrations holding its scopes. The top-level
 * lists and records need `roster-core.readonly` (or `roster.readonly`), the lists under another
 * record `roster.readonly`; the gradebook's reads `gradebook.readonly` and its writes
 * `gradebook.createput`. Path parameters are named after the collection they follow, so each
 * position of a path has one name across the API.
 */

const rostering = '/ims/oneroster/rostering/v1p2';
const gradebook = '/ims/oneroster/gradebook/v1p2';

const core: { integration: IntegrationScopeName[] } = { integration: ['roster-core.readonly'] };
const full: { integration: IntegrationScopeName[] } = { integration: ['roster.readonly'] };
const gradebookRead: { integration: IntegrationScopeName[] } = { integration: ['gradebook.readonly'] };
const gradebookWrite: { integration: IntegrationScopeName[] } = { integration: ['gradebook.createput'] };

/** The path parameters `{name}` of a path, each an id. */
function paramsOf(path: string) {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return names.length ? { params: z.object(Object.fromEntries(names.map((name) => [name, sourcedIdParam]))) } : {};
}

/** A list endpoint: the spec's query (paging, sort, filter, fields) and its records under `key`. */
const list = (
  path: string,
  access: RouteSpec['access'],
  summary: string,
  key: string,
  record: z.ZodType,
): RouteSpec => ({
  method: 'GET',
  path,
  access,
  summary,
  ...paramsOf(path),
  query: listQuery,
  response: { status: 200, body: listOf(key, record) },
});

/** A single-record endpoint: `fields` only, its record under `key`. */
const one = (
  path: string,
  access: RouteSpec['access'],
  summary: string,
  key: string,
  record: z.ZodType,
): RouteSpec => ({
  method: 'GET',
  path,
  access,
  summary,
  ...paramsOf(path),
  query: recordQuery,
  response: { status: 200, body: oneOf(key, record) },
});

const r = rostering;

export const rosteringRoutes = routeGroup('lambdas/api/oneroster/rostering.handler.ts', {
  getAllAcademicSessions: list(
    `${r}/academicSessions`,
    core,
    'Academic sessions: school years, terms and grading periods.',
    'academicSessions',
    academicSession,
  ),
  getAcademicSession: one(
    `${r}/academicSessions/{academicSessionSourcedId}`,
    core,
    'An academic session.',
    'academicSession',
    academicSession,
  ),
  getAllClasses: list(
    `${r}/classes`,
    core,
    'Classes: each homeroom class and each subject taught in it.',
    'classes',
    oneRosterClass,
  ),
  // The spec's getClass and getTerm: the platform's own API has operations of those names.
  getRosterClass: one(`${r}/classes/{classSourcedId}`, core, 'A class (OneRoster getClass).', 'class', oneRosterClass),
  getStudentsForClass: list(`${r}/classes/{classSourcedId}/students`, full, "A class's students.", 'users', user),
  getTeachersForClass: list(`${r}/classes/{classSourcedId}/teachers`, full, "A class's teachers.", 'users', user),
  getAllCourses: list(
    `${r}/courses`,
    core,
    'Courses: each grade level and each subject taught in it.',
    'courses',
    course,
  ),
  getCourse: one(`${r}/courses/{courseSourcedId}`, core, 'A course.', 'course', course),
  getClassesForCourse: list(
    `${r}/courses/{courseSourcedId}/classes`,
    full,
    "A course's classes.",
    'classes',
    oneRosterClass,
  ),
  getAllEnrollments: list(
    `${r}/enrollments`,
    core,
    'Enrollments of students and teachers in classes.',
    'enrollments',
    enrollment,
  ),
  getEnrollment: one(`${r}/enrollments/{enrollmentSourcedId}`, core, 'An enrollment.', 'enrollment', enrollment),
  getAllGradingPeriods: list(
    `${r}/gradingPeriods`,
    core,
    'Grading periods (one per term).',
    'academicSessions',
    academicSession,
  ),
  getGradingPeriod: one(
    `${r}/gradingPeriods/{gradingPeriodSourcedId}`,
    core,
    'A grading period.',
    'academicSession',
    academicSession,
  ),
  getAllOrgs: list(`${r}/orgs`, core, 'Orgs: the school.', 'orgs', org),
  getOrg: one(`${r}/orgs/{orgSourcedId}`, core, 'An org.', 'org', org),
  getAllSchools: list(`${r}/schools`, core, 'Schools: this one.', 'orgs', org),
  getSchool: one(`${r}/schools/{schoolSourcedId}`, core, 'A school.', 'org', org),
  getClassesForSchool: list(
    `${r}/schools/{schoolSourcedId}/classes`,
    full,
    "A school's classes.",
    'classes',
    oneRosterClass,
  ),
  getEnrollmentsForClassInSchool: list(
    `${r}/schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments`,
    full,
    "The enrollments of a school's class.",
    'enrollments',
    enrollment,
  ),
  getStudentsForClassInSchool: list(
    `${r}/schools/{schoolSourcedId}/classes/{classSourcedId}/students`,
    full,
    "The students of a school's class.",
    'users',
    user,
  ),
  getTeachersForClassInSchool: list(
    `${r}/schools/{schoolSourcedId}/classes/{classSourcedId}/teachers`,
    full,
    "The teachers of a school's class.",
    'users',
    user,
  ),
  getCoursesForSchool: list(`${r}/schools/{schoolSourcedId}/courses`, full, "A school's courses.", 'courses', course),
  getEnrollmentsForSchool: list(
    `${r}/schools/{schoolSourcedId}/enrollments`,
    full,
    "A school's enrollments.",
    'enrollments',
    enrollment,
  ),
  getStudentsForSchool: list(`${r}/schools/{schoolSourcedId}/students`, full, "A school's students.", 'users', user),
  getTeachersForSchool: list(`${r}/schools/{schoolSourcedId}/teachers`, full, "A school's teachers.", 'users', user),
  getTermsForSchool: list(
    `${r}/schools/{schoolSourcedId}/terms`,
    full,
    "A school's terms.",
    'academicSessions',
    academicSession,
  ),
  getAllStudents: list(`${r}/students`, core, 'Students.', 'users', user),
  getStudent: one(`${r}/students/{studentSourcedId}`, core, 'A student.', 'user', user),
  getClassesForStudent: list(
    `${r}/students/{studentSourcedId}/classes`,
    full,
    "A student's classes.",
    'classes',
    oneRosterClass,
  ),
  getAllTeachers: list(`${r}/teachers`, core, 'Teachers.', 'users', user),
  getTeacher: one(`${r}/teachers/{teacherSourcedId}`, core, 'A teacher.', 'user', user),
  getClassesForTeacher: list(
    `${r}/teachers/{teacherSourcedId}/classes`,
    full,
    "A teacher's classes.",
    'classes',
    oneRosterClass,
  ),
  getAllTerms: list(`${r}/terms`, core, 'Terms.', 'academicSessions', academicSession),
  getRosterTerm: one(
    `${r}/terms/{termSourcedId}`,
    core,
    'A term (OneRoster getTerm).',
    'academicSession',
    academicSession,
  ),
  getClassesForTerm: list(`${r}/terms/{termSourcedId}/classes`, full, "A term's classes.", 'classes', oneRosterClass),
  getGradingPeriodsForTerm: list(
    `${r}/terms/{termSourcedId}/gradingPeriods`,
    full,
    "A term's grading periods.",
    'academicSessions',
    academicSession,
  ),
  getAllUsers: list(`${r}/users`, core, 'Users: staff, students and guardians.', 'users', user),
  getUser: one(`${r}/users/{userSourcedId}`, core, 'A user.', 'user', user),
  getClassesForUser: list(`${r}/users/{userSourcedId}/classes`, full, "A user's classes.", 'classes', oneRosterClass),
});

const g = gradebook;

export const gradebookRoutes = routeGroup('lambdas/api/oneroster/gradebook.handler.ts', {
  getAllCategories: list(
    `${g}/categories`,
    gradebookRead,
    "Categories of line items: each subject's assessments.",
    'categories',
    category,
  ),
  getCategory: one(`${g}/categories/{categorySourcedId}`, gradebookRead, 'A category.', 'category', category),
  getAllLineItems: list(
    `${g}/lineItems`,
    gradebookRead,
    "Line items: the school's assessments.",
    'lineItems',
    lineItem,
  ),
  getLineItem: one(`${g}/lineItems/{lineItemSourcedId}`, gradebookRead, 'A line item.', 'lineItem', lineItem),
  getAllResults: list(`${g}/results`, gradebookRead, 'Results: scores.', 'results', result),
  getResult: one(`${g}/results/{resultSourcedId}`, gradebookRead, 'A result.', 'result', result),
  putResult: {
    method: 'PUT',
    path: `${g}/results/{resultSourcedId}`,
    access: gradebookWrite,
    grants: ['queue-rescore'],
    summary:
      "Create or replace a result: a student's score for a line item, entered in the school's gradebook as a teacher's would be (validated, audited as the integration's). 201 when made, 200 when replaced.",
    ...paramsOf(`${g}/results/{resultSourcedId}`),
    body: resultPut,
    response: { status: 200, body: oneOf('result', result), alsoAs: [201] },
  },
  getAllScoreScales: list(
    `${g}/scoreScales`,
    gradebookRead,
    "Score scales: the school's grading scale, for each class with line items.",
    'scoreScales',
    scoreScale,
  ),
  getScoreScale: one(
    `${g}/scoreScales/{scoreScaleSourcedId}`,
    gradebookRead,
    'A score scale.',
    'scoreScale',
    scoreScale,
  ),
  getCategoriesForClass: list(
    `${g}/classes/{classSourcedId}/categories`,
    gradebookRead,
    "A class's categories.",
    'categories',
    category,
  ),
  getLineItemsForClass: list(
    `${g}/classes/{classSourcedId}/lineItems`,
    gradebookRead,
    "A class's line items.",
    'lineItems',
    lineItem,
  ),
  getResultsForLineItemForClass: list(
    `${g}/classes/{classSourcedId}/lineItems/{lineItemSourcedId}/results`,
    gradebookRead,
    "The results of a class's line item.",
    'results',
    result,
  ),
  getResultsForClass: list(
    `${g}/classes/{classSourcedId}/results`,
    gradebookRead,
    "A class's results.",
    'results',
    result,
  ),
  getScoreScalesForClass: list(
    `${g}/classes/{classSourcedId}/scoreScales`,
    gradebookRead,
    "A class's score scales.",
    'scoreScales',
    scoreScale,
  ),
  getResultsForStudentForClass: list(
    `${g}/classes/{classSourcedId}/students/{studentSourcedId}/results`,
    gradebookRead,
    "A student's results in a class.",
    'results',
    result,
  ),
  getScoreScalesForSchool: list(
    `${g}/schools/{schoolSourcedId}/scoreScales`,
    gradebookRead,
    "A school's score scales.",
    'scoreScales',
    scoreScale,
  ),
});
