import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { badRequest, DataApiError } from '../data-api/errors';

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

  /** @param file where secrets persist between runs (mode 0600); none keeps them in memory. */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      for (const [arn, secret] of Object.entries(
        JSON.parse(readFileSync(file, 'utf8')) as Record<string, DatabaseSecret>,
      )) {
        this.secrets.set(arn, secret);
      }
    }
  }

  /** Every stored secret's ARN. */
  arns(): string[] {
    return [...this.secrets.keys()];
  }

  /** The ARN of the secret stored under `name`, if any. */
  arnOf(name: string): string | undefined {
    return [...this.secrets.keys()].find((arn) => arn.includes(`:secret:${name}-`));
  }

  private persist(): void {
    if (!this.file) return;
    writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.secrets), null, 2), { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }

  /** Stores a secret under `name` and returns its ARN. */
  put(name: string, secret: DatabaseSecret): string {
    const arn =
      this.arnOf(name) ?? `arn:aws:secretsmanager:local:000000000000:secret:${name}-${randomBytes(3).toString('hex')}`;
    this.secrets.set(arn, secret);
    this.persist();
    return arn;
  }

  /** The ARN and secret named by an ARN or a name, as Secrets Manager's `SecretId` does. */
  find(secretId: string): { arn: string; secret: DatabaseSecret } | undefined {
    const arn = this.secrets.has(secretId) ? secretId : this.arnOf(secretId);
    const secret = arn ? this.secrets.get(arn) : undefined;
    return arn && secret ? { arn, secret } : undefined;
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
    this.persist();
  }
}
