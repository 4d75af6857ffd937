import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InvalidPasswordException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { randomBytes } from 'node:crypto';
import type { Role } from './roles';

import { userPoolVariable } from './platform-variables';

/** A random password that meets any policy (all four kinds of character), used once and forgotten. */
function unusablePassword(): string {
  return `${randomBytes(24).toString('base64url')}aA1!`;
}

export { userPoolVariable };

export class UserExistsError extends Error {
  override readonly name = 'UserExistsError';
}

/** The directory refused a password (its policy): the message says why. */
export class PasswordRefusedError extends Error {
  override readonly name = 'PasswordRefusedError';
}

/**
 * Port to the user directory: Cognito on AWS, the local issuer's users locally (through the
 * same Cognito admin calls). Users are keyed by e-mail; roles are groups.
 */
export interface UserDirectory {
  /**
   * Creates the user with one role in one school; returns their subject. The directory sends its
   * own invitation (a temporary password), unless `sendsInvitation` is false: then nobody knows
   * a password until the person chooses one through the school's invitation (`setPassword`).
   */
  invite(
    user: { email: string; name: string; role: Role; schoolId: string },
    options?: { sendsInvitation?: boolean },
  ): Promise<string>;
  /** Sets the user's own password (they chose it through an invitation): they sign in with it from now on. */
  setPassword(email: string, password: string): Promise<void>;
  changeRole(email: string, from: Role, to: Role): Promise<void>;
  disable(email: string): Promise<void>;
  /** Removes a user whose invitation must be undone (compensation). */
  remove(email: string): Promise<void>;
  /** The account with this e-mail, if there is one: its subject and school. */
  accountOf(email: string): Promise<{ userId: string; schoolId: string | undefined } | undefined>;
  /**
   * Removes the account if it belongs to this school (undoing an onboarding's invitation);
   * an account that is gone or another school's is left alone.
   */
  removeFromSchool(email: string, schoolId: string): Promise<void>;
}

export class CognitoUserDirectory implements UserDirectory {
  constructor(
    private readonly userPoolId: string = process.env[userPoolVariable] ?? '',
    private readonly client = new CognitoIdentityProviderClient({}),
  ) {
    if (!userPoolId) throw new Error(`${userPoolVariable} is not set.`);
  }

  async invite(
    user: { email: string; name: string; role: Role; schoolId: string },
    options: { sendsInvitation?: boolean } = {},
  ): Promise<string> {
    const sendsInvitation = options.sendsInvitation ?? true;
    try {
      const created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: user.email,
          ...(sendsInvitation
            ? { DesiredDeliveryMediums: ['EMAIL'] }
            : // A temporary password nobody is told: the invitation's link is how the person gets in.
              { MessageAction: 'SUPPRESS', TemporaryPassword: unusablePassword() }),
          UserAttributes: [
            { Name: 'email', Value: user.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'name', Value: user.name },
            { Name: 'custom:school_id', Value: user.schoolId },
          ],
        }),
      );
      await this.client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: user.email, GroupName: user.role }),
      );
      return created.User!.Attributes!.find((attribute) => attribute.Name === 'sub')!.Value!;
    } catch (error) {
      if (error instanceof UsernameExistsException) throw new UserExistsError(`${user.email} already has an account.`);
      throw error;
    }
  }

  async setPassword(email: string, password: string): Promise<void> {
    try {
      await this.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      );
    } catch (error) {
      if (error instanceof InvalidPasswordException) throw new PasswordRefusedError(error.message);
      throw error;
    }
  }

  async changeRole(email: string, from: Role, to: Role): Promise<void> {
    await this.client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: to }),
    );
    await this.client.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: from }),
    );
  }

  async disable(email: string): Promise<void> {
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: email }));
  }

  async remove(email: string): Promise<void> {
    await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
  }

  async accountOf(email: string): Promise<{ userId: string; schoolId: string | undefined } | undefined> {
    try {
      const user = await this.client.send(new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: email }));
      const attribute = (name: string) => user.UserAttributes?.find((a) => a.Name === name)?.Value;
      return { userId: attribute('sub')!, schoolId: attribute('custom:school_id') };
    } catch (error) {
      if (error instanceof UserNotFoundException) return undefined;
      throw error;
    }
  }

  async removeFromSchool(email: string, schoolId: string): Promise<void> {
    const account = await this.accountOf(email);
    if (account?.schoolId !== schoolId) return;
    try {
      await this.remove(email);
    } catch (error) {
      if (!(error instanceof UserNotFoundException)) throw error;
    }
  }
}
