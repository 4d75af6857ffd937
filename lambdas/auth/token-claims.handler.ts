import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { IntegrationClients } from '../shared/integration-clients';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { shapeClientCredentialsClaims, shapeTokenClaims } from './token-claims';

const cognito = new CognitoIdentityProviderClient({});
let clients: IntegrationClients | undefined;

async function hasMfa(userPoolId: string, userName: string): Promise<boolean> {
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userName }));
  return (user.UserMFASettingList ?? []).length > 0;
}

/** Cognito pre token generation trigger (event version 3: people's sign-ins and integrations' client credentials). */
export const handler = lambdaHandler(async (event: PreTokenGenerationV2TriggerEvent) => {
  logger.appendKeys({ triggerSource: event.triggerSource });
  // Version 3's trigger source for machine-to-machine grants, not yet in the event's type.
  if ((event.triggerSource as string) === 'TokenGeneration_ClientCredentials') {
    return shapeClientCredentialsClaims(event, (clientId) => (clients ??= new IntegrationClients()).read(clientId));
  }
  return shapeTokenClaims(event, hasMfa);
});
