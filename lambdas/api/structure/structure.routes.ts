import * as z from 'zod';
import { resourceRoutes } from '../resource-schema';
import { allSchoolRoles, routeGroup, schoolStaff } from '../route-contract';
import {
  academicYear,
  academicYears,
  classAssignments,
  classes,
  gradeLevel,
  gradeLevels,
  myClasses,
  schoolClass,
  schoolSettings,
  subject,
  subjects,
  term,
  terms,
} from './structure.schemas';

export const academicYearResource = resourceRoutes({
  path: '/api/v1/academic-years',
  spec: academicYears,
  schemas: academicYear,
  names: { plural: 'AcademicYears', singular: 'AcademicYear' },
  described: { plural: 'academic years', singular: 'an academic year' },
});
// Guardians read the terms too: report cards are asked for by term.
export const termResource = resourceRoutes({
  path: '/api/v1/terms',
  spec: terms,
  schemas: term,
  names: { plural: 'Terms', singular: 'Term' },
  described: { plural: 'terms, by academic year', singular: 'a term' },
  readers: allSchoolRoles,
});
export const gradeLevelResource = resourceRoutes({
  path: '/api/v1/grade-levels',
  spec: gradeLevels,
  schemas: gradeLevel,
  names: { plural: 'GradeLevels', singular: 'GradeLevel' },
  described: { plural: 'grade levels', singular: 'a grade level' },
});
export const subjectResource = resourceRoutes({
  path: '/api/v1/subjects',
  spec: subjects,
  schemas: subject,
  names: { plural: 'Subjects', singular: 'Subject' },
  described: { plural: 'subjects', singular: 'a subject' },
});
export const classResource = resourceRoutes({
  path: '/api/v1/classes',
  spec: classes,
  schemas: schoolClass,
  names: { plural: 'Classes', singular: 'Class' },
  described: { plural: 'classes, by year and grade', singular: 'a class' },
  idParameter: 'classId',
});

const classPath = z.object({ classId: z.uuid() }).strict();

export const structureRoutes = routeGroup('lambdas/api/structure/structure.handler.ts', {
  ...academicYearResource.specs,
  ...termResource.specs,
  ...gradeLevelResource.specs,
  ...subjectResource.specs,
  ...classResource.specs,
  getClassAssignments: {
    method: 'GET',
    path: '/api/v1/classes/{classId}/assignments',
    access: schoolStaff,
    summary: 'Who teaches which subject in a class.',
    params: classPath,
    response: { status: 200, body: classAssignments },
  },
  setClassAssignments: {
    method: 'PUT',
    path: '/api/v1/classes/{classId}/assignments',
    access: ['school-admin'],
    summary: "Replace a class's teaching assignments.",
    params: classPath,
    body: classAssignments,
    response: { status: 200, body: classAssignments },
  },
  listMyClasses: {
    method: 'GET',
    path: '/api/v1/me/classes',
    access: ['school-admin', 'teacher'],
    summary: "The caller's classes this year (home room or a subject they teach), with their subjects.",
    response: { status: 200, body: myClasses },
  },
  getSchoolSettings: {
    method: 'GET',
    path: '/api/v1/school/settings',
    access: allSchoolRoles,
    summary: "The school's settings: name, time zone, currency, locale, grading scale, pass mark.",
    response: { status: 200, body: schoolSettings },
  },
  putSchoolSettings: {
    method: 'PUT',
    path: '/api/v1/school/settings',
    access: ['school-admin'],
    summary: "Write the school's settings.",
    body: schoolSettings,
    response: { status: 200, body: schoolSettings },
  },
});
