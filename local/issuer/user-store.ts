import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Role } from '../../lambdas/shared/roles';
import { hashPassword, verifyPassword } from './password-hash';

export interface LocalUser {
  /** Stable subject, as Cognito's `sub`. */
  readonly sub: string;
  /** The sign-in name: the e-mail address, lower-cased. */
  readonly username: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly Role[];
  readonly schoolId?: string;
  readonly enabled: boolean;
  readonly passwordHash: string;
  readonly createdAt: string;
}

export type NewUser = Pick<LocalUser, 'email' | 'name' | 'groups' | 'schoolId'> & { readonly password: string };

/** Cognito's name for a taken username, so callers handle both directories alike. */
export class UsernameExistsError extends Error {
  override readonly name = 'UsernameExistsException';
}
export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundException';
}

/**
 * The local issuer's users, in one JSON file (mode 0600) under the platform's state.
 * Passwords are stored only as scrypt hashes.
 */
export class LocalUserStore {
  private users: LocalUser[];

  constructor(private readonly file: string) {
    this.users = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalUser[]) : [];
  }

  get isEmpty(): boolean {
    return this.users.length === 0;
  }

  list(): readonly LocalUser[] {
    return this.users;
  }

  findBySub(sub: string): LocalUser | undefined {
    return this.users.find((user) => user.sub === sub);
  }

  findByUsername(username: string): LocalUser | undefined {
    const wanted = username.trim().toLowerCase();
    return this.users.find((user) => user.username === wanted);
  }

  async create(user: NewUser): Promise<LocalUser> {
    const username = user.email.trim().toLowerCase();
    if (this.findByUsername(username)) throw new UsernameExistsError(`A user ${username} already exists.`);
    const created: LocalUser = {
      sub: randomUUID(),
      username,
      email: user.email.trim(),
      name: user.name,
      groups: [...user.groups],
      ...(user.schoolId ? { schoolId: user.schoolId } : {}),
      enabled: true,
      passwordHash: await hashPassword(user.password),
      createdAt: new Date().toISOString(),
    };
    this.users = [...this.users, created];
    this.save();
    return created;
  }

  update(sub: string, change: Partial<Pick<LocalUser, 'name' | 'groups' | 'enabled'>>): LocalUser {
    const existing = this.findBySub(sub);
    if (!existing) throw new UserNotFoundError(`No user ${sub}.`);
    const updated = { ...existing, ...change };
    this.users = this.users.map((user) => (user.sub === sub ? updated : user));
    this.save();
    return updated;
  }

  async setPassword(sub: string, password: string): Promise<void> {
    const existing = this.findBySub(sub);
    if (!existing) throw new UserNotFoundError(`No user ${sub}.`);
    const passwordHash = await hashPassword(password);
    this.users = this.users.map((user) => (user.sub === sub ? { ...user, passwordHash } : user));
    this.save();
  }

  delete(sub: string): void {
    this.users = this.users.filter((user) => user.sub !== sub);
    this.save();
  }

  /** The enabled user with these credentials, or undefined; the same work is done for an unknown name. */
  async authenticate(username: string, password: string): Promise<LocalUser | undefined> {
    const user = this.findByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash ?? decoyHash);
    return user && valid && user.enabled ? user : undefined;
  }

  private save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.users, null, 2), { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
  }
}

/** Checked for unknown usernames so that a wrong name takes as long as a wrong password. */
const decoyHash = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
