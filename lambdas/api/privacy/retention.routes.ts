import { routeGroup } from '../route-contract';
import { retentionPolicyInput, retentionPolicyView } from './retention.schemas';

const admin = ['school-admin'] as const;

/** The school's retention policy: how long each kind of record is kept after a student leaves. */
export const retentionRoutes = routeGroup('lambdas/api/privacy/retention.handler.ts', {
  getRetentionPolicy: {
    method: 'GET',
    path: '/api/v1/privacy/retention',
    access: admin,
    summary:
      "The school's retention policy, the suggestion for its country, and what the nightly application last removed.",
    response: { status: 200, body: retentionPolicyView },
  },
  setRetentionPolicy: {
    method: 'PUT',
    path: '/api/v1/privacy/retention',
    access: admin,
    summary: 'Set how many years each kind of record is kept after a student leaves (null: kept); applied every night.',
    body: retentionPolicyInput,
    response: { status: 200, body: retentionPolicyView },
  },
});
