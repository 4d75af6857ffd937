import { json } from '../../shared/http';
import { readRuntime } from '../../shared/runtime';
import { apiHandler } from '../api-handler';

export interface HealthResponse {
  status: 'ok';
  version: string;
  stage: string;
  time: string;
}

export const handler = apiHandler(async () => {
  const { stage, version } = readRuntime();
  const body: HealthResponse = { status: 'ok', version, stage, time: new Date().toISOString() };
  return json(200, body);
});
