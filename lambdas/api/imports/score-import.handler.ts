import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importScores } from './score-import';
import { importRoutes } from '../routes';

export const handler = schoolRoutes(importRoutes(), {
  'POST /api/imports/scores': csvImportRoute(importScores, 'score-import'),
});
