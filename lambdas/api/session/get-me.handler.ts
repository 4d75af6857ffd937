import { json } from '../../shared/http';
import { apiHandler } from '../api-handler';
import type { Principal } from '../principal';

export type MeResponse = Principal;

/** The signed-in caller as the API sees them: what the web app shows and which screens it offers. */
export const handler = apiHandler(async ({ principal }) => json(200, principal satisfies MeResponse | undefined));
