import { createHash, randomBytes } from 'node:crypto';
import { fullScope, integrationScopeNames } from '../../lambdas/shared/integration-scopes';
import { passwordShortfalls } from '../../lambdas/shared/password-policy';
import { isRole, type Role } from '../../lambdas/shared/roles';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LocalIam } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import { startHttpServer, type RunningServer } from '../http-server';
import { type LocalUser, type LocalUserStore, UsernameExistsError } from './user-store';
import type { InvitationOutbox } from './outbox';
import type { LocalIssuer } from './local-issuer';

class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

type Attributes = { Name: string; Value: string }[];

function attributesOf(user: LocalUser): Attributes {
  return [
    { Name: 'sub', Value: user.sub },
    { Name: 'email', Value: user.email },
    { Name: 'email_verified', Value: 'true' },
    { Name: 'name', Value: user.name },
    ...(user.schoolId ? [{ Name: 'custom:school_id', Value: user.schoolId }] : []),
  ];
}

/** The id the local platform gives its user pool (its users are the local issuer's). */
export const localUserPoolId = 'local_campus';

/**
 * The Cognito user-pool admin operations the platform calls (create a user, add to or
 * remove from a group, disable, enable, read, delete), over the local issuer's users, so
 * the same Cognito client code manages users locally. JSON 1.1 protocol, Cognito's
 * exception names. Groups are the platform's roles.
 */
export function startCognitoAdmin(options: {
  users: LocalUserStore;
  port: number;
  log?: (line: string) => void;
  /** Where invitations go, as Cognito would e-mail them. */
  outbox?: InvitationOutbox;
  /** Checks each call's signature and its caller's IAM policies. @default none: any caller */
  iam?: LocalIam;
  /** Integrations' app clients, which the local issuer serves the client-credentials grant to. */
  clients?: LocalIssuer['clients'];
}): Promise<RunningServer> {
  const { users } = options;
  const clientNamed = async (clientId: unknown) => {
    const client = await options.clients?.find(String(clientId));
    if (!client) throw new CognitoError('ResourceNotFoundException', 'User pool client does not exist.');
    return client;
  };
  const newSecret = () => {
    const value = randomBytes(32).toString('base64url');
    return { id: createHash('sha256').update(value).digest('hex').slice(0, 24), value, createdAt: Date.now() / 1000 };
  };
  const secretDescriptor = (secret: { id: string; value: string; createdAt: number }, withValue: boolean) => ({
    ClientSecretId: secret.id,
    ...(withValue ? { ClientSecretValue: secret.value } : {}),
    ClientSecretCreateDate: secret.createdAt,
  });
  const userNamed = (username: unknown) => {
    const user = users.findByUsername(typeof username === 'string' ? username : '');
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    return user;
  };
  const roleNamed = (group: unknown): Role => {
    if (!isRole(String(group))) throw new CognitoError('ResourceNotFoundException', 'Group not found.');
    return String(group) as Role;
  };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    async AdminCreateUser(body) {
      const attributes = Object.fromEntries(((body.UserAttributes as Attributes) ?? []).map((a) => [a.Name, a.Value]));
      const email = attributes.email ?? String(body.Username);
      const password =
        typeof body.TemporaryPassword === 'string' ? body.TemporaryPassword : randomBytes(12).toString('base64url');
      try {
        const user = await users.create({
          email,
          name: attributes.name ?? email,
          groups: [],
          ...(attributes['custom:school_id'] ? { schoolId: attributes['custom:school_id'] } : {}),
          password,
        });
        if (body.MessageAction === 'SUPPRESS') {
          // Cognito sends nothing: the school's own invitation lets the person choose a password.
          options.log?.(`[sign-in] created ${user.username}; no invitation sent by the user pool`);
        } else {
          // Cognito e-mails the invitation; here the operator reads it in the platform's log.
          options.log?.(`[sign-in] invited ${user.username}, temporary password ${password}`);
          options.outbox?.send({ to: user.username, temporaryPassword: password });
        }
        return {
          User: {
            Username: user.username,
            Attributes: attributesOf(user),
            Enabled: true,
            UserStatus: 'FORCE_CHANGE_PASSWORD',
          },
        };
      } catch (error) {
        if (error instanceof UsernameExistsError)
          throw new CognitoError('UsernameExistsException', 'An account with the given email already exists.');
        throw error;
      }
    },
    AdminGetUser(body) {
      const user = userNamed(body.Username);
      return {
        Username: user.username,
        UserAttributes: attributesOf(user),
        Enabled: user.enabled,
        UserStatus: 'CONFIRMED',
        UserMFASettingList: [],
      };
    },
    AdminListGroupsForUser(body) {
      return { Groups: userNamed(body.Username).groups.map((GroupName) => ({ GroupName })) };
    },
    AdminAddUserToGroup(body) {
      const user = userNamed(body.Username);
      const role = roleNamed(body.GroupName);
      users.update(user.sub, { groups: [...new Set([...user.groups, role])] });
      return {};
    },
    AdminRemoveUserFromGroup(body) {
      const user = userNamed(body.Username);
      const role = roleNamed(body.GroupName);
      users.update(user.sub, { groups: user.groups.filter((group) => group !== role) });
      return {};
    },
    async AdminSetUserPassword(body) {
      const user = userNamed(body.Username);
      const password = typeof body.Password === 'string' ? body.Password : '';
      const shortfalls = passwordShortfalls(password);
      if (shortfalls.length) {
        throw new CognitoError(
          'InvalidPasswordException',
          `Password does not conform to policy: it needs ${shortfalls.join(', ')}.`,
        );
      }
      await users.setPassword(user.sub, password);
      return {};
    },
    AdminDisableUser(body) {
      users.update(userNamed(body.Username).sub, { enabled: false });
      return {};
    },
    AdminEnableUser(body) {
      users.update(userNamed(body.Username).sub, { enabled: true });
      return {};
    },
    AdminDeleteUser(body) {
      users.delete(userNamed(body.Username).sub);
      return {};
    },
    // App clients: only what integrations use, the client-credentials grant with a generated secret.
    async CreateUserPoolClient(body) {
      const flows = (body.AllowedOAuthFlows as string[] | undefined) ?? [];
      if (!body.GenerateSecret || flows.join() !== 'client_credentials') {
        throw new CognitoError(
          'InvalidParameterException',
          'The local user pool makes only client-credentials clients with a secret.',
        );
      }
      const scopes = (body.AllowedOAuthScopes as string[] | undefined) ?? [];
      const unknown = scopes.filter((scope) => !integrationScopeNames.map(fullScope).includes(scope));
      if (unknown.length)
        throw new CognitoError('ScopeDoesNotExistException', `Invalid scope requested: ${unknown.join(', ')}`);
      const client = {
        clientId: randomBytes(13).toString('hex').slice(0, 26),
        clientName: String(body.ClientName),
        secrets: [newSecret()],
        scopes,
      };
      await options.clients!.save(client);
      return {
        UserPoolClient: {
          UserPoolId: localUserPoolId,
          ClientId: client.clientId,
          ClientName: client.clientName,
          ClientSecret: client.secrets[0]!.value,
          AllowedOAuthFlows: flows,
          AllowedOAuthScopes: scopes,
          AllowedOAuthFlowsUserPoolClient: true,
        },
      };
    },
    // Up to two secrets, as in a user pool; the issuer's grant takes the newest.
    async AddUserPoolClientSecret(body) {
      const client = await clientNamed(body.ClientId);
      if (client.secrets.length >= 2) {
        throw new CognitoError('LimitExceededException', 'The client already has two secrets.');
      }
      const secret = newSecret();
      await options.clients!.save({ ...client, secrets: [...client.secrets, secret] });
      return { ClientSecretDescriptor: secretDescriptor(secret, true) };
    },
    async ListUserPoolClientSecrets(body) {
      const client = await clientNamed(body.ClientId);
      return { ClientSecrets: client.secrets.map((secret) => secretDescriptor(secret, false)) };
    },
    async DeleteUserPoolClientSecret(body) {
      const client = await clientNamed(body.ClientId);
      const kept = client.secrets.filter((secret) => secret.id !== body.ClientSecretId);
      if (kept.length === client.secrets.length) {
        throw new CognitoError('ResourceNotFoundException', 'The client secret does not exist.');
      }
      if (kept.length === 0) throw new CognitoError('InvalidParameterException', 'A client keeps at least one secret.');
      await options.clients!.save({ ...client, secrets: kept });
      return {};
    },
    async DeleteUserPoolClient(body) {
      await clientNamed(body.ClientId);
      await options.clients!.delete(String(body.ClientId));
      return {};
    },
  };

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^AWSCognitoIdentityProviderService\./, '');
      const reply = (status: number, body: unknown) =>
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));
      Promise.resolve()
        .then(() => {
          if (!Object.hasOwn(operations, operation)) {
            throw new CognitoError('UnsupportedOperationException', `The local user pool does not support ${target}.`);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          return operations[operation]!(text ? (JSON.parse(text) as Record<string, unknown>) : {});
        })
        .then(
          (result) => reply(200, result),
          (error: unknown) =>
            error instanceof CognitoError
              ? reply(400, { __type: error.type, message: error.message })
              : reply(500, { __type: 'InternalErrorException', message: String(error) }),
        );
    });
  };
  return startHttpServer(options.iam ? options.iam.guard(protectedServices.cognito, listener) : listener, options.port);
}
