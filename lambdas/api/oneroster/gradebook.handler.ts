import { requestRescore } from '../../shared/rescore-jobs';
import { type Implementations, reply } from '../api-handler';
import { schoolRoutes, type SchoolRequest } from '../school-handler';
import { putResult, type ResultPut } from './gradebook';
import { oneRosterErrors } from './imsx-status';
import { gradebookRoutes } from './oneroster.routes';
import { getter, lister, type Parent, recordFor } from './roster-queries';
import { categories, classes, lineItems, orgs, results, scoreScales, users } from './roster-records';

const aClass = (id: string): Parent => ({ type: classes, id, what: 'class' });

const implementations = {
  getAllCategories: lister('categories', () => ({ type: categories })),
  getCategory: getter('category', 'categorySourcedId', { type: categories, what: 'category' }),
  getAllLineItems: lister('lineItems', () => ({ type: lineItems })),
  getLineItem: getter('lineItem', 'lineItemSourcedId', { type: lineItems, what: 'line item' }),
  getAllResults: lister('results', () => ({ type: results })),
  getResult: getter('result', 'resultSourcedId', { type: results, what: 'result' }),
  putResult: async (request: SchoolRequest & { params: { resultSourcedId: string }; body: ResultPut }) => {
    const resultId = request.params.resultSourcedId;
    const written = await putResult(request.db, resultId, request.body);
    // As a teacher's entry does: the class's students are scored again with their new scores.
    if (written.changed) {
      await requestRescore({ schoolId: request.principal.schoolId, classIds: [written.classId], reason: 'scores' });
    }
    const answer = await recordFor(request, { type: results, what: 'result' }, resultId, 'result');
    return reply(written.created ? 201 : 200, answer);
  },
  getAllScoreScales: lister('scoreScales', () => ({ type: scoreScales })),
  getScoreScale: getter('scoreScale', 'scoreScaleSourcedId', { type: scoreScales, what: 'score scale' }),
  getCategoriesForClass: lister('categories', (p) => ({
    type: categories,
    where: `v.subject_id IN (SELECT subject_id FROM assessments WHERE roster_id('class', class_id, subject_id)::text = :parent0)`,
    parents: [aClass(p.classSourcedId!)],
  })),
  getLineItemsForClass: lister('lineItems', (p) => ({
    type: lineItems,
    where: 'v.class_id = :parent0',
    parents: [aClass(p.classSourcedId!)],
  })),
  getResultsForLineItemForClass: lister('results', (p) => ({
    type: results,
    where: 'v.class_id = :parent0 AND v.assessment_id::text = :parent1',
    parents: [
      aClass(p.classSourcedId!),
      { type: lineItems, id: p.lineItemSourcedId!, where: 'pv.class_id = :parent0', what: 'line item of the class' },
    ],
  })),
  getResultsForClass: lister('results', (p) => ({
    type: results,
    where: 'v.class_id = :parent0',
    parents: [aClass(p.classSourcedId!)],
  })),
  getScoreScalesForClass: lister('scoreScales', (p) => ({
    type: scoreScales,
    where: 'v.class_id = :parent0',
    parents: [aClass(p.classSourcedId!)],
  })),
  getResultsForStudentForClass: lister('results', (p) => ({
    type: results,
    where: 'v.class_id = :parent0 AND v.student_id::text = :parent1',
    parents: [
      aClass(p.classSourcedId!),
      { type: users, id: p.studentSourcedId!, where: "pv.role = 'student'", what: 'student' },
    ],
  })),
  getScoreScalesForSchool: lister('scoreScales', (p) => ({
    type: scoreScales,
    parents: [{ type: orgs, id: p.schoolSourcedId!, what: 'school' }],
  })),
};

export const handler = schoolRoutes(
  gradebookRoutes,
  implementations as unknown as Implementations<(typeof gradebookRoutes)['specs'], SchoolRequest>,
).use(oneRosterErrors());
