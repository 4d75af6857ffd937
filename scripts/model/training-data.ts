import { join } from 'node:path';
import { projectRoot } from '../../lib/project';

/** The file the at-risk model is trained on, and where its artefact and card go. */
export const trainingFile = join(projectRoot, 'data', 'uci-student-performance', 'student-por.csv');
export const modelFile = join(projectRoot, 'layers', 'model', 'at-risk-model.json');
export const modelCardFile = join(projectRoot, 'layers', 'model', 'MODEL_CARD.md');
