import { stepHandler } from './step-handler';

/** Onboarding steps in the user directory: the first school admin. */
export const handler = stepHandler(['create-admin', 'remove-admin']);
