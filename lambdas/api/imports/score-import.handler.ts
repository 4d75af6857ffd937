import { schoolRoutes } from '../school-handler';
import { csvImportRoute } from './csv-import-route';
import { importScores } from './score-import';
import { scoreImportRoutes } from './imports.routes';

export const handler = schoolRoutes(scoreImportRoutes, {
  importScores: csvImportRoute(importScores, 'score-import'),
});
