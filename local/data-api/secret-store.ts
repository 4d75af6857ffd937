import { randomBytes } from 'node:crypto';
import { badRequest, DataApiError } from './errors';

/** What a database secret holds, as in Secrets Manager's RDS secret format. */
export interface DatabaseSecret {
  readonly username: string;
  readonly password: string;
  /** Default database of the secret's user. */
  readonly dbname?: string;
}

/**
 * The local stand-in for Secrets Manager: secrets by ARN, in the ARN format of the real
 * service, so code passes `secretArn` values through unchanged.
 */
export class SecretStore {
  private readonly secrets = new Map<string, DatabaseSecret>();

  /** Stores a secret under `name` and returns its ARN. */
  put(name: string, secret: DatabaseSecret): string {
    const existing = [...this.secrets.keys()].find((arn) => arn.includes(`:secret:${name}-`));
    const arn =
      existing ?? `arn:aws:secretsmanager:local:000000000000:secret:${name}-${randomBytes(3).toString('hex')}`;
    this.secrets.set(arn, secret);
    return arn;
  }

  get(arn: string): DatabaseSecret {
    if (!arn) throw badRequest('secretArn is required.');
    const secret = this.secrets.get(arn);
    if (!secret)
      throw new DataApiError('SecretsErrorException', `Secrets Manager can't find the specified secret: ${arn}`);
    return secret;
  }

  delete(arn: string): void {
    this.secrets.delete(arn);
  }
}
