import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { schoolIdTag } from '../../lambdas/shared/platform-variables';
import { localAccountId, localRegion } from '../sqs/sqs-server';
import { badRequest, DataApiError } from '../data-api/errors';

/** What a database secret holds, as in Secrets Manager's RDS secret format. */
export interface DatabaseSecret {
  readonly username: string;
  readonly password: string;
  /** Default database of the secret's user. */
  readonly dbname?: string;
}

interface StoredSecrets {
  readonly version: 2;
  readonly secrets: Record<string, { value: DatabaseSecret; tags: Readonly<Record<string, string>> }>;
}

/** A school's secret (`…/schools/<id>-xxxxxx`) is tagged with its school when onboarding creates it. */
function tagsFromName(arn: string): Record<string, string> {
  const school = /:secret:[^:]*\/schools\/([^/]+)-[0-9a-f]{6}$/.exec(arn)?.[1];
  return school ? { [schoolIdTag]: school } : {};
}

/**
 * The local stand-in for Secrets Manager: secrets by ARN, in the ARN format of the real
 * service, so code passes `secretArn` values through unchanged.
 */
export class SecretStore {
  private readonly secrets = new Map<string, DatabaseSecret>();
  private readonly tags = new Map<string, Readonly<Record<string, string>>>();

  /** @param file where secrets persist between runs (mode 0600); none keeps them in memory. */
  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets | Record<string, DatabaseSecret>;
      // Files of older runs held only the values, by ARN; their tags are read from the names.
      const records: StoredSecrets['secrets'] =
        'version' in saved && saved.version === 2
          ? (saved as StoredSecrets).secrets
          : Object.fromEntries(
              Object.entries(saved as Record<string, DatabaseSecret>).map(([arn, value]) => [
                arn,
                { value, tags: tagsFromName(arn) },
              ]),
            );
      for (const [arn, { value, tags }] of Object.entries(records)) {
        this.secrets.set(arn, value);
        this.tags.set(arn, tags);
      }
    }
  }

  /** A secret's tags (`campus:school-id` on a school's), which IAM conditions read. */
  tagsOf(arn: string): Readonly<Record<string, string>> {
    return this.tags.get(arn) ?? {};
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
    const saved: StoredSecrets = {
      version: 2,
      secrets: Object.fromEntries([...this.secrets].map(([arn, value]) => [arn, { value, tags: this.tagsOf(arn) }])),
    };
    writeFileSync(this.file, JSON.stringify(saved, null, 2), { mode: 0o600 });
    chmodSync(this.file, 0o600);
  }

  /** Stores a secret under `name` (a new one with its tags) and returns its ARN. */
  put(name: string, secret: DatabaseSecret, tags: Readonly<Record<string, string>> = {}): string {
    const existing = this.arnOf(name);
    const arn =
      existing ??
      `arn:aws:secretsmanager:${localRegion}:${localAccountId}:secret:${name}-${randomBytes(3).toString('hex')}`;
    if (!existing) this.tags.set(arn, tags);
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
    this.tags.delete(arn);
    this.persist();
  }
}
