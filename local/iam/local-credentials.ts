import { createHmac, randomBytes } from 'node:crypto';
import type { LocalRole } from './role-policies';

/** Who signed a request to a local endpoint. */
export type LocalPrincipal =
  | {
      /** The platform's operator and the emulator itself (tests, the CLI, the demo seed): not limited by IAM, as an administrator's key would not be. */
      readonly kind: 'operator';
      readonly arn: string;
    }
  | {
      /** A function's execution role, or a session of a role assumed through the local STS. */
      readonly kind: 'role';
      readonly arn: string;
      readonly role: LocalRole;
      /** The session's tags (`aws:PrincipalTag/…`); none for a function's own credentials. */
      readonly tags: Readonly<Record<string, string>>;
    };

export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SessionCredentials extends Required<AccessKey> {
  readonly expiration: Date;
}

interface KnownKey {
  readonly secretAccessKey: string;
  readonly principal: LocalPrincipal;
  readonly sessionToken?: string;
  readonly expiresAt?: number;
}

export class CredentialsError extends Error {
  constructor(
    readonly code: 'UnrecognizedClientException' | 'ExpiredTokenException' | 'InvalidClientTokenId',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The credentials of the local platform and whom each identifies: the operator's key, one
 * key per function role (derived from a secret of the state directory, so a function's key
 * is the same after a restart), and the sessions the local STS issues. A signed request is
 * thereby traced to a role, whose synthesized policies the local endpoints then apply.
 */
export class LocalCredentials {
  private readonly keys = new Map<string, KnownKey>();

  constructor(
    private readonly options: {
      /** Secret of this state directory that role keys are derived from. */
      readonly signingSecret: string;
      readonly operatorKey: AccessKey;
      readonly accountId: string;
      readonly roles: ReadonlyMap<string, LocalRole>;
    },
  ) {
    this.keys.set(options.operatorKey.accessKeyId, {
      secretAccessKey: options.operatorKey.secretAccessKey,
      principal: { kind: 'operator', arn: `arn:aws:iam::${options.accountId}:root` },
    });
  }

  get accountId(): string {
    return this.options.accountId;
  }

  role(arn: string): LocalRole | undefined {
    return this.options.roles.get(arn);
  }

  /** The long-lived key a function with this execution role signs with. */
  forRole(roleArn: string): AccessKey {
    const role = this.options.roles.get(roleArn);
    if (!role) throw new Error(`No role ${roleArn} in the synthesized templates.`);
    const digest = (purpose: string) =>
      createHmac('sha256', this.options.signingSecret).update(`${purpose}:${roleArn}`);
    const accessKeyId = `AKIALOCAL${digest('id').digest('hex').slice(0, 11).toUpperCase()}`;
    const secretAccessKey = digest('secret').digest('base64url');
    this.keys.set(accessKeyId, { secretAccessKey, principal: { kind: 'role', arn: roleArn, role, tags: {} } });
    return { accessKeyId, secretAccessKey };
  }

  /** Temporary credentials for a session of a role, as STS AssumeRole returns them. */
  issueSession(
    role: LocalRole,
    sessionName: string,
    tags: Record<string, string>,
    seconds: number,
  ): SessionCredentials {
    const accessKeyId = `ASIALOCAL${randomBytes(6).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64url');
    const sessionToken = randomBytes(48).toString('base64');
    const expiration = new Date(Date.now() + seconds * 1000);
    const roleName = role.arn.slice(role.arn.indexOf(':role/') + ':role/'.length);
    this.dropExpired();
    this.keys.set(accessKeyId, {
      secretAccessKey,
      sessionToken,
      expiresAt: expiration.getTime(),
      principal: {
        kind: 'role',
        arn: `arn:aws:sts::${this.options.accountId}:assumed-role/${roleName}/${sessionName}`,
        role,
        tags,
      },
    });
    return { accessKeyId, secretAccessKey, sessionToken, expiration };
  }

  /** The secret and principal of a key, refusing unknown keys, expired sessions and wrong tokens. */
  lookup(accessKeyId: string, sessionToken: string | undefined): KnownKey {
    const known = this.keys.get(accessKeyId);
    if (!known || known.sessionToken !== sessionToken) {
      throw new CredentialsError(
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    if (known.expiresAt !== undefined && known.expiresAt < Date.now()) {
      throw new CredentialsError('ExpiredTokenException', 'The security token included in the request is expired');
    }
    return known;
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [id, key] of this.keys) if (key.expiresAt !== undefined && key.expiresAt < now) this.keys.delete(id);
  }
}
