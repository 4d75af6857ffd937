import { requestRescore } from '../../shared/rescore-jobs';
import { json } from '../../shared/http';
import { callerOf } from '../class-access';
import { schoolRoutes } from '../school-handler';
import { parseBody, parsePath, parseQuery } from '../validation';
import {
  assessmentListQuery,
  assessmentPath,
  classGradesPath,
  newAssessment,
  reportCardPath,
  scoreEntry,
  termQuery,
} from './assessment.schemas';
import {
  assessmentScores,
  classTermGrades,
  createAssessment,
  enterScores,
  listAssessments,
  reportCardOf,
} from './assessments';
import { assessmentRoutes } from '../routes';

export const handler = schoolRoutes(assessmentRoutes(), {
  'GET /api/assessments': async ({ event, db }) =>
    json(200, await listAssessments(db, parseQuery(assessmentListQuery, event))),
  'POST /api/assessments': async (request) =>
    json(201, await createAssessment(request.db, callerOf(request), parseBody(newAssessment, request.event))),
  'GET /api/assessments/{assessmentId}/scores': async ({ event, db }) =>
    json(200, await assessmentScores(db, parsePath(assessmentPath, event).assessmentId)),
  'PUT /api/assessments/{assessmentId}/scores': async (request) =>
    json(
      200,
      await enterScores(
        request.db,
        callerOf(request),
        parsePath(assessmentPath, request.event).assessmentId,
        parseBody(scoreEntry, request.event),
        (classId) => requestRescore({ schoolId: request.principal.schoolId, classIds: [classId], reason: 'scores' }),
      ),
    ),
  'GET /api/classes/{classId}/grades': async ({ event, db }) =>
    json(
      200,
      await classTermGrades(db, parsePath(classGradesPath, event).classId, parseQuery(termQuery, event).termId),
    ),
  'GET /api/students/{studentId}/report-card': async ({ event, db }) =>
    json(200, await reportCardOf(db, parsePath(reportCardPath, event).studentId, parseQuery(termQuery, event).termId)),
});
