import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { shapeTokenClaims } from './token-claims';

const cognito = new CognitoIdentityProviderClient({});

async function hasMfa(userPoolId: string, userName: string): Promise<boolean> {
  const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userName }));
  return (user.UserMFASettingList ?? []).length > 0;
}

/** Cognito pre token generation trigger (event version 2). */
export const handler = lambdaHandler(async (event: PreTokenGenerationV2TriggerEvent) => {
  logger.appendKeys({ triggerSource: event.triggerSource });
  return shapeTokenClaims(event, hasMfa);
});
