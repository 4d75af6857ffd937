import { randomUUID } from 'node:crypto';
import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, type SqlValue, jsonColumn, typed } from '../../shared/data-api';
import { conflict, notFound } from '../../shared/http';
import { type IntegrationClients, RotationUnderWayError } from '../../shared/integration-clients';
import { logger } from '../../shared/observability';
import { fullScope } from '../../shared/integration-scopes';
import { cursorValues, keysetPage } from '../sql-fragments';
import type { Integration, NewIntegration } from './integration.schemas';
import type { OAuthClients } from './oauth-clients';

const columns = (alias: string) =>
  `${alias}.id, ${alias}.name, ${alias}.client_id AS "clientId", ${alias}.scopes::text AS scopes,
   ${alias}.requests_per_minute AS "requestsPerMinute", ${alias}.status, ${alias}.created_by AS "createdBy",
   to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
   to_char(${alias}.secret_rotated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "secretRotatedAt",
   to_char(${alias}.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "revokedAt"`;

type Row = Omit<Integration, 'scopes'> & { scopes: string };
const fromRow = (row: Row): Integration => ({ ...row, scopes: jsonColumn(row.scopes) });

/** The ports an integration's lifecycle touches besides the school's database. */
export interface IntegrationPorts {
  readonly oauth: OAuthClients;
  readonly clients: IntegrationClients;
}

export async function listIntegrations(
  db: DataApiSession,
  query: { status?: 'active' | 'revoked' | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: Integration[]; nextCursor: string | null }> {
  const conditions: string[] = [];
  const params: Record<string, SqlValue> = { limit: query.limit + 1 };
  if (query.status) {
    conditions.push('i.status = :status');
    params.status = query.status;
  }
  if (query.cursor) {
    const [afterAt, afterId] = cursorValues(query.cursor, 2);
    conditions.push('(i.created_at, i.id) < (CAST(:afterAt AS timestamptz), :afterId)');
    Object.assign(params, { afterAt: String(afterAt), afterId: typed.uuid(String(afterId)) });
  }
  const rows = await db.query<Row>(
    `SELECT ${columns('i')} FROM integrations i ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY i.created_at DESC, i.id DESC LIMIT :limit`,
    params,
  );
  return keysetPage(rows.map(fromRow), query.limit, (last) => [last.createdAt, last.id]);
}

export async function readIntegration(db: DataApiSession, integrationId: string): Promise<Integration> {
  const [row] = await db.query<Row>(`SELECT ${columns('i')} FROM integrations i WHERE i.id = :id`, {
    id: typed.uuid(integrationId),
  });
  if (!row) throw notFound('The integration');
  return fromRow(row);
}

/**
 * Registers an integration: its OAuth client first (the secret comes back once), then its
 * record in the platform's client table (what the token trigger and the authorizer read), then
 * the school's row, audited. If a later step fails the earlier ones are undone (the client
 * revoked and deleted), so nothing half-made can be used.
 */
export async function registerIntegration(
  db: DataApiSession,
  ports: IntegrationPorts,
  schoolId: string,
  input: NewIntegration,
): Promise<{ integration: Integration; clientSecret: string }> {
  const integrationId = randomUUID();
  const { clientId, clientSecret } = await ports.oauth.create(
    `integration-${integrationId}`,
    input.scopes.map(fullScope),
  );
  try {
    await ports.clients.register({
      clientId,
      schoolId,
      integrationId,
      scopes: input.scopes,
      requestsPerMinute: input.requestsPerMinute,
    });
    const [row] = await db.query<Row>(
      `WITH changed AS (
         INSERT INTO integrations (id, name, client_id, scopes, requests_per_minute, created_by)
         VALUES (:id, :name, :clientId, :scopes, :rate, :auditActor) RETURNING *),
       ${auditEntry({ action: 'register', entity: 'integration', after: 'changed', rows: 'one' })}
       SELECT ${columns('changed')} FROM changed`,
      {
        id: typed.uuid(integrationId),
        name: input.name,
        clientId,
        scopes: typed.json(input.scopes),
        rate: input.requestsPerMinute,
      },
    );
    return { integration: fromRow(row!), clientSecret };
  } catch (error) {
    // Undo what was made; a failure to undo is logged, and the caller hears of what went wrong first.
    await ports.clients.revoke(clientId).catch(() => undefined);
    await ports.oauth
      .delete(clientId)
      .catch((undo: unknown) => logger.error('could not delete the client of a failed registration', undo as Error));
    if ((error as Error).message?.includes('integrations_active_name')) {
      throw conflict('An active integration already has this name.', [
        { path: 'body.name', message: 'is already taken' },
      ]);
    }
    throw error;
  }
}

/**
 * Replaces the client's secret. The client is held for this one rotation (two at once would each
 * delete the other's new secret); the user pool gets the new secret and loses every other; then
 * every token issued before the next second is refused, and the answer waits for that second, so a
 * token of the new secret is never refused and one of the old never passes. Only then is the
 * school's row updated and audited, so the log records rotations that happened. A retry after a
 * failure rotates again; the user pool's limit of two secrets is cleared first.
 */
export async function rotateIntegrationSecret(
  db: DataApiSession,
  ports: IntegrationPorts,
  integrationId: string,
): Promise<{ integration: Integration; clientSecret: string }> {
  const current = await readIntegration(db, integrationId);
  if (current.status !== 'active') throw conflict('This integration is revoked: register a new one.');
  try {
    await ports.clients.holdForRotation(current.clientId);
  } catch (error) {
    if (error instanceof RotationUnderWayError)
      throw conflict('Its secret is being rotated already; try again shortly.');
    throw error;
  }
  let clientSecret: string;
  try {
    clientSecret = await ports.oauth.replaceSecret(current.clientId);
  } catch (error) {
    await ports.clients.endRotation(current.clientId).catch(() => undefined);
    throw error;
  }
  const refuseBefore = Math.floor(Date.now() / 1000) + 1;
  await ports.clients.endRotation(current.clientId, refuseBefore);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, refuseBefore * 1000 - Date.now())));
  const [row] = await db.query<Row>(
    `WITH before AS (SELECT * FROM integrations WHERE id = :id),
     changed AS (UPDATE integrations i SET secret_rotated_at = now() FROM before WHERE i.id = before.id RETURNING i.*),
     ${auditEntry({ action: 'rotate-secret', entity: 'integration', before: 'before', after: 'changed', rows: 'one' })}
     SELECT ${columns('changed')} FROM changed`,
    { id: typed.uuid(integrationId) },
  );
  return { integration: fromRow(row!), clientSecret };
}

/**
 * Revokes an integration: its tokens are refused first (the platform's client record, which the
 * authorizer reads on every call), then the school's row (audited), then its OAuth client deleted.
 * Revoking a revoked integration finishes what a failed attempt left and changes nothing else.
 */
export async function revokeIntegration(
  db: DataApiSession,
  ports: IntegrationPorts,
  integrationId: string,
): Promise<Integration> {
  const current = await readIntegration(db, integrationId);
  await ports.clients.revoke(current.clientId);
  let revoked = current;
  if (current.status === 'active') {
    const [row] = await db.query<Row>(
      `WITH before AS (SELECT * FROM integrations WHERE id = :id AND status = 'active' FOR UPDATE),
       changed AS (UPDATE integrations i SET status = 'revoked', revoked_at = now(), revoked_by = :auditActor
                     FROM before WHERE i.id = before.id RETURNING i.*),
       ${auditEntry({ action: 'revoke', entity: 'integration', before: 'before', after: 'changed', rows: 'one' })}
       SELECT ${columns('changed')} FROM changed`,
      { id: typed.uuid(integrationId) },
    );
    if (row) revoked = fromRow(row);
  }
  await ports.oauth.delete(current.clientId);
  return revoked;
}
