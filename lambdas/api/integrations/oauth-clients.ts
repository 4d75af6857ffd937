import {
  AddUserPoolClientSecretCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolClientSecretCommand,
  ListUserPoolClientSecretsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { userPoolVariable } from '../../shared/platform-variables';

/** How long an integration's access token lives: minutes, so a refused client is refused soon even by a cache. */
export const integrationTokenMinutes = 60;

/**
 * Port to the integrations' OAuth clients: app clients of the user pool with the
 * client-credentials grant and their scopes (Cognito on AWS; the local issuer's clients through
 * the same calls). A secret is returned once, when it is made, and kept nowhere else.
 */
export interface OAuthClients {
  create(name: string, scopes: readonly string[]): Promise<{ clientId: string; clientSecret: string }>;
  /** A new secret for the client; every other secret it had is deleted. */
  replaceSecret(clientId: string): Promise<string>;
  /** Deletes the client; a client already gone is not an error (a retried revocation). */
  delete(clientId: string): Promise<void>;
}

export function cognitoOAuthClients(
  cognito = new CognitoIdentityProviderClient({}),
  userPoolId = process.env[userPoolVariable]!,
): OAuthClients {
  return {
    async create(name, scopes) {
      const { UserPoolClient: client } = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: name.slice(0, 128),
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthFlowsUserPoolClient: true,
          AllowedOAuthScopes: [...scopes],
          AccessTokenValidity: integrationTokenMinutes,
          TokenValidityUnits: { AccessToken: 'minutes' },
          EnableTokenRevocation: true,
          // No sign-in flows of people: the client-credentials grant is all an integration has.
          ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          PreventUserExistenceErrors: 'ENABLED',
        }),
      );
      return { clientId: client!.ClientId!, clientSecret: client!.ClientSecret! };
    },
    async replaceSecret(clientId) {
      // The pool keeps at most two secrets: a rotation that failed after adding one left a second,
      // which nobody was given; it goes first, so this one can add its own.
      const listed = await cognito.send(
        new ListUserPoolClientSecretsCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      const before = [...(listed.ClientSecrets ?? [])].sort(
        (a, b) => (a.ClientSecretCreateDate?.getTime() ?? 0) - (b.ClientSecretCreateDate?.getTime() ?? 0),
      );
      for (const unshown of before.slice(1)) {
        await cognito.send(
          new DeleteUserPoolClientSecretCommand({
            UserPoolId: userPoolId,
            ClientId: clientId,
            ClientSecretId: unshown.ClientSecretId,
          }),
        );
      }
      const { ClientSecretDescriptor: added } = await cognito.send(
        new AddUserPoolClientSecretCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      const { ClientSecrets: secrets = [] } = await cognito.send(
        new ListUserPoolClientSecretsCommand({ UserPoolId: userPoolId, ClientId: clientId }),
      );
      for (const secret of secrets) {
        if (secret.ClientSecretId === added!.ClientSecretId) continue;
        await cognito.send(
          new DeleteUserPoolClientSecretCommand({
            UserPoolId: userPoolId,
            ClientId: clientId,
            ClientSecretId: secret.ClientSecretId,
          }),
        );
      }
      return added!.ClientSecretValue!;
    },
    async delete(clientId) {
      try {
        await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: userPoolId, ClientId: clientId }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
