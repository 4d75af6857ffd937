import type { Implementations } from '../api-handler';
import { schoolRoutes, type SchoolRequest } from '../school-handler';
import { oneRosterErrors } from './imsx-status';
import { rosteringRoutes } from './oneroster.routes';
import { getter, lister, type Parent } from './roster-queries';
import { academicSessions, classes, courses, enrollments, orgs, users } from './roster-records';

/** SQL: the classes (ids) a user is enrolled in, of a role when given. */
const classesOfUser = (param: string, role?: string) =>
  `v."sourcedId" IN (SELECT e.class_id FROM (${enrollments.rows}) e
                      WHERE e.user_id::text = :${param} AND e.status = 'active'${role ? ` AND e.role = '${role}'` : ''})`;

/** SQL: the users (ids) enrolled in a class, in a role. */
const usersOfClass = (param: string, role: string) =>
  `v."sourcedId" IN (SELECT e.user_id::text FROM (${enrollments.rows}) e
                      WHERE e.class_id = :${param} AND e.status = 'active' AND e.role = '${role}')`;

const school = (id: string): Parent => ({ type: orgs, id, what: 'school' });
const aClass = (id: string): Parent => ({ type: classes, id, what: 'class' });

const implementations = {
  getAllAcademicSessions: lister('academicSessions', () => ({ type: academicSessions })),
  getAcademicSession: getter('academicSession', 'academicSessionSourcedId', {
    type: academicSessions,
    what: 'academic session',
  }),
  getAllClasses: lister('classes', () => ({ type: classes })),
  getRosterClass: getter('class', 'classSourcedId', { type: classes, what: 'class' }),
  getStudentsForClass: lister('users', (p) => ({
    type: users,
    where: usersOfClass('parent0', 'student'),
    parents: [aClass(p.classSourcedId!)],
  })),
  getTeachersForClass: lister('users', (p) => ({
    type: users,
    where: usersOfClass('parent0', 'teacher'),
    parents: [aClass(p.classSourcedId!)],
  })),
  getAllCourses: lister('courses', () => ({ type: courses })),
  getCourse: getter('course', 'courseSourcedId', { type: courses, what: 'course' }),
  getClassesForCourse: lister('classes', (p) => ({
    type: classes,
    where: 'v.course_id = :parent0',
    parents: [{ type: courses, id: p.courseSourcedId!, what: 'course' }],
  })),
  getAllEnrollments: lister('enrollments', () => ({ type: enrollments })),
  getEnrollment: getter('enrollment', 'enrollmentSourcedId', { type: enrollments, what: 'enrollment' }),
  getAllGradingPeriods: lister('academicSessions', () => ({
    type: academicSessions,
    where: "v.type = 'gradingPeriod'",
  })),
  getGradingPeriod: getter('academicSession', 'gradingPeriodSourcedId', {
    type: academicSessions,
    where: "v.type = 'gradingPeriod'",
    what: 'grading period',
  }),
  getAllOrgs: lister('orgs', () => ({ type: orgs })),
  getOrg: getter('org', 'orgSourcedId', { type: orgs, what: 'org' }),
  getAllSchools: lister('orgs', () => ({ type: orgs, where: "v.type = 'school'" })),
  getSchool: getter('org', 'schoolSourcedId', { type: orgs, where: "v.type = 'school'", what: 'school' }),
  getClassesForSchool: lister('classes', (p) => ({ type: classes, parents: [school(p.schoolSourcedId!)] })),
  getEnrollmentsForClassInSchool: lister('enrollments', (p) => ({
    type: enrollments,
    where: 'v.class_id = :parent1',
    parents: [school(p.schoolSourcedId!), aClass(p.classSourcedId!)],
  })),
  getStudentsForClassInSchool: lister('users', (p) => ({
    type: users,
    where: usersOfClass('parent1', 'student'),
    parents: [school(p.schoolSourcedId!), aClass(p.classSourcedId!)],
  })),
  getTeachersForClassInSchool: lister('users', (p) => ({
    type: users,
    where: usersOfClass('parent1', 'teacher'),
    parents: [school(p.schoolSourcedId!), aClass(p.classSourcedId!)],
  })),
  getCoursesForSchool: lister('courses', (p) => ({ type: courses, parents: [school(p.schoolSourcedId!)] })),
  getEnrollmentsForSchool: lister('enrollments', (p) => ({ type: enrollments, parents: [school(p.schoolSourcedId!)] })),
  getStudentsForSchool: lister('users', (p) => ({
    type: users,
    where: "v.role = 'student'",
    parents: [school(p.schoolSourcedId!)],
  })),
  getTeachersForSchool: lister('users', (p) => ({
    type: users,
    where: 'v.teaches',
    parents: [school(p.schoolSourcedId!)],
  })),
  getTermsForSchool: lister('academicSessions', (p) => ({
    type: academicSessions,
    where: "v.type = 'term'",
    parents: [school(p.schoolSourcedId!)],
  })),
  getAllStudents: lister('users', () => ({ type: users, where: "v.role = 'student'" })),
  getStudent: getter('user', 'studentSourcedId', { type: users, where: "v.role = 'student'", what: 'student' }),
  getClassesForStudent: lister('classes', (p) => ({
    type: classes,
    where: classesOfUser('parent0', 'student'),
    parents: [{ type: users, id: p.studentSourcedId!, where: "pv.role = 'student'", what: 'student' }],
  })),
  getAllTeachers: lister('users', () => ({ type: users, where: 'v.teaches' })),
  getTeacher: getter('user', 'teacherSourcedId', { type: users, where: 'v.teaches', what: 'teacher' }),
  getClassesForTeacher: lister('classes', (p) => ({
    type: classes,
    where: classesOfUser('parent0', 'teacher'),
    parents: [{ type: users, id: p.teacherSourcedId!, where: 'pv.teaches', what: 'teacher' }],
  })),
  getAllTerms: lister('academicSessions', () => ({ type: academicSessions, where: "v.type = 'term'" })),
  getRosterTerm: getter('academicSession', 'termSourcedId', {
    type: academicSessions,
    where: "v.type = 'term'",
    what: 'term',
  }),
  getClassesForTerm: lister('classes', (p) => ({
    type: classes,
    where: 'v.year_id = (SELECT academic_year_id FROM terms WHERE id::text = :parent0)',
    parents: [{ type: academicSessions, id: p.termSourcedId!, where: "pv.type = 'term'", what: 'term' }],
  })),
  getGradingPeriodsForTerm: lister('academicSessions', (p) => ({
    type: academicSessions,
    where: "v.type = 'gradingPeriod' AND v.parent_id::text = :parent0",
    parents: [{ type: academicSessions, id: p.termSourcedId!, where: "pv.type = 'term'", what: 'term' }],
  })),
  getAllUsers: lister('users', () => ({ type: users })),
  getUser: getter('user', 'userSourcedId', { type: users, what: 'user' }),
  getClassesForUser: lister('classes', (p) => ({
    type: classes,
    where: classesOfUser('parent0'),
    parents: [{ type: users, id: p.userSourcedId!, what: 'user' }],
  })),
};

export const handler = schoolRoutes(
  rosteringRoutes,
  implementations as unknown as Implementations<(typeof rosteringRoutes)['specs'], SchoolRequest>,
).use(oneRosterErrors());
