import { requestRescore } from '../../shared/rescore-jobs';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import {
  assessmentScores,
  classTermGrades,
  createAssessment,
  enterScores,
  listAssessments,
  reportCardOf,
} from './assessments';
import { assessmentRoutes } from './assessments.routes';

export const handler = schoolRoutes(assessmentRoutes, {
  listAssessments: async ({ db, query }) => listAssessments(db, query),
  createAssessment: async (request) => createAssessment(request.db, callerOf(request), request.body),
  getAssessmentScores: async ({ db, params }) => assessmentScores(db, params.assessmentId),
  enterAssessmentScores: async (request) =>
    enterScores(request.db, callerOf(request), request.params.assessmentId, request.body, (classId) =>
      requestRescore({ schoolId: request.principal.schoolId, classIds: [classId], reason: 'scores' }),
    ),
  getClassGrades: async ({ db, params, query }) => classTermGrades(db, params.classId, query.termId),
  getReportCard: async ({ db, params, query }) => reportCardOf(db, params.studentId, query.termId),
});
