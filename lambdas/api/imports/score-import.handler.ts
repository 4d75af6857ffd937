import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importScores } from './score-import';

export const handler = schoolRoutes({ 'POST /api/imports/scores': csvImportRoute(importScores, 'score-import') });
