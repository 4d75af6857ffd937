import { badRequest, DataApiError } from './errors';

/** A PostgreSQL error as the Data API reports it. */
export function fromPostgres(error: unknown): DataApiError {
  if (error instanceof DataApiError) return error;
  const pgError = error as { code?: string; message?: string; detail?: string };
  const message = pgError.message ?? String(error);
  switch (pgError.code) {
    case '42601':
      if (message.includes('multiple commands')) return badRequest("Multistatements aren't supported.");
      break;
    case '3D000':
      return new DataApiError('DatabaseNotFoundException', message);
    case '28P01':
    case '28000':
      return new DataApiError('ForbiddenException', `Access denied: ${message}`);
    case '57014':
      return new DataApiError('StatementTimeoutException', message);
  }
  if (pgError.code) {
    const detail = pgError.detail ? `\n  Detail: ${pgError.detail}` : '';
    return new DataApiError('DatabaseErrorException', `ERROR: ${message}${detail}; SQLState: ${pgError.code}`);
  }
  return new DataApiError('InternalServerErrorException', message);
}

/** PostgreSQL's refusal of a kept statement whose table changed shape: nothing ran, it can run afresh. */
export const stalePlan = /cached plan must not change result type/;

/** The server ended the session (terminated, shut down) or the socket broke. */
export function connectionLost(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === '57P01' || code === '57P02' || code === '57P03' || /Connection terminated/i.test(String(error));
}
