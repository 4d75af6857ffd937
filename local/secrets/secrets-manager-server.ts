import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalIam } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import { startHttpServer } from '../http-server';
import type { DatabaseSecret, SecretStore } from './secret-store';

export interface LocalSecretsManager {
  readonly url: string;
  close(): Promise<void>;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const databaseSecret = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
  dbname: z.string().optional(),
  engine: z.string().optional(),
  host: z.string().optional(),
  port: z.number().optional(),
});
const secretName = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/);

function parseSecretString(text: string | undefined): DatabaseSecret {
  const parsed = databaseSecret.safeParse(text === undefined ? undefined : JSON.parse(text));
  if (!parsed.success) {
    throw new ServiceError(
      'InvalidParameterException',
      'The local Secrets Manager keeps database secrets only: a JSON SecretString with username and password.',
    );
  }
  return parsed.data;
}

function describe(arn: string) {
  return { ARN: arn, Name: arn.split(':secret:')[1]!.replace(/-[0-9a-f]{6}$/, '') };
}

/**
 * The Secrets Manager operations the platform calls (create, read, replace, describe and
 * delete a school's database secret), over the same store the local Data API reads, so a
 * secret created here is usable as a `secretArn` at once. JSON 1.1 protocol, the
 * service's exception names.
 */
/** The version a write makes: the caller's idempotency token, or a new one. */
const versionOf = (body: Record<string, unknown>) =>
  typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : randomUUID();

export async function startSecretsManager(options: {
  store: SecretStore;
  port: number;
  /** Checks each call's signature and its caller's IAM policies. @default none: any caller */
  iam?: LocalIam;
}): Promise<LocalSecretsManager> {
  const { store } = options;
  const found = (secretId: unknown) => {
    const hit = store.find(typeof secretId === 'string' ? secretId : '');
    if (!hit) throw new ServiceError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return hit;
  };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateSecret(body) {
      const name = secretName.safeParse(body.Name);
      if (!name.success) throw new ServiceError('InvalidParameterException', 'Invalid name.');
      if (store.find(name.data)) {
        throw new ServiceError(
          'ResourceExistsException',
          `The operation failed because the secret ${name.data} already exists.`,
        );
      }
      const tags = Object.fromEntries(
        (Array.isArray(body.Tags) ? (body.Tags as { Key?: unknown; Value?: unknown }[]) : []).map((tag) => [
          String(tag.Key),
          String(tag.Value),
        ]),
      );
      const arn = store.put(name.data, parseSecretString(body.SecretString as string | undefined), tags);
      return { ...describe(arn), VersionId: versionOf(body) };
    },
    GetSecretValue(body) {
      const { arn, secret } = found(body.SecretId);
      return {
        ...describe(arn),
        SecretString: JSON.stringify(secret),
        VersionId: 'local',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      };
    },
    PutSecretValue(body) {
      const { arn } = found(body.SecretId);
      store.put(describe(arn).Name, parseSecretString(body.SecretString as string | undefined));
      return {
        ...describe(arn),
        VersionId: versionOf(body),
        VersionStages: ['AWSCURRENT'],
      };
    },
    DescribeSecret(body) {
      return describe(found(body.SecretId).arn);
    },
    DeleteSecret(body) {
      const { arn } = found(body.SecretId);
      store.delete(arn);
      return { ...describe(arn), DeletionDate: Date.now() / 1000 };
    },
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : '';
      const reply = (status: number, body: unknown) =>
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      try {
        if (!Object.hasOwn(operations, operation)) {
          throw new ServiceError('UnknownOperationException', `The local Secrets Manager does not support ${target}.`);
        }
        const text = Buffer.concat(chunks).toString('utf8');
        reply(200, operations[operation]!(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
      } catch (error) {
        if (error instanceof ServiceError) reply(400, { __type: error.type, message: error.message });
        else if (error instanceof SyntaxError)
          reply(400, { __type: 'InvalidRequestException', message: error.message });
        else reply(500, { __type: 'InternalServiceError', message: String(error) });
      }
    });
  };
  return startHttpServer(
    options.iam ? options.iam.guard(protectedServices.secretsManager, listener) : listener,
    options.port,
  );
}
