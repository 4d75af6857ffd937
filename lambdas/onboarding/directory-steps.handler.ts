import { stepHandler } from './step-handler';

/** Onboarding steps on the tenant directory: validate, slots, registration, status. */
export const handler = stepHandler([
  'validate',
  'reserve-slot',
  'register-school',
  'activate',
  'mark-failed',
  'release-slot',
]);
