import { pageOf } from '../resource-schema';
import { routeGroup, schoolStaff } from '../route-contract';
import { markResult } from '../attendance/attendance.schemas';
import {
  assessment,
  assessmentListQuery,
  assessmentPath,
  assessmentScores,
  classGrades,
  classGradesPath,
  newAssessment,
  reportCard,
  reportCardPath,
  scoreEntry,
  termQuery,
} from './assessment.schemas';

const graders = ['school-admin', 'teacher'] as const;

export const assessmentRoutes = routeGroup('lambdas/api/assessments/assessments.handler.ts', {
  listAssessments: {
    method: 'GET',
    path: '/api/v1/assessments',
    access: schoolStaff,
    summary: 'Assessments by class, subject and term, paged.',
    query: assessmentListQuery,
    response: { status: 200, body: pageOf(assessment) },
  },
  createAssessment: {
    method: 'POST',
    path: '/api/v1/assessments',
    access: graders,
    summary: 'Add an assessment with its maximum score and weight (teachers: for a subject they teach).',
    body: newAssessment,
    response: { status: 201, body: assessment },
  },
  getAssessmentScores: {
    method: 'GET',
    path: '/api/v1/assessments/{assessmentId}/scores',
    access: graders,
    summary: "An assessment with its class's active students and their scores (the score entry grid).",
    params: assessmentPath,
    response: { status: 200, body: assessmentScores },
  },
  enterAssessmentScores: {
    method: 'PUT',
    path: '/api/v1/assessments/{assessmentId}/scores',
    access: graders,
    grants: ['queue-rescore'],
    summary: "Enter or correct an assessment's scores in one request; safe to send again.",
    params: assessmentPath,
    body: scoreEntry,
    response: { status: 200, body: markResult },
  },
  getClassGrades: {
    method: 'GET',
    path: '/api/v1/classes/{classId}/grades',
    access: schoolStaff,
    summary: "A class's term grades per subject, on the school's grading scale.",
    params: classGradesPath,
    query: termQuery,
    response: { status: 200, body: classGrades },
  },
  getReportCard: {
    method: 'GET',
    path: '/api/v1/students/{studentId}/report-card',
    access: schoolStaff,
    summary: "A student's report card for a term: grades, average and attendance.",
    params: reportCardPath,
    query: termQuery,
    response: { status: 200, body: reportCard },
  },
});
