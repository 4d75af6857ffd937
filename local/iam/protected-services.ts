import {
  cognitoCalls,
  dataApiCalls,
  dynamoDbCalls,
  secretsManagerCalls,
  sesCalls,
  smsVoiceCalls,
  sqsCalls,
  stepFunctionsCalls,
} from './aws-calls';
import { jsonErrorReply, type ProtectedService, restJsonErrorReply } from './local-iam';

/** The local endpoints IAM protects, each with its signing name, its calls and its error protocol. */
export const protectedServices = {
  dynamoDb: {
    signingName: 'dynamodb',
    calls: dynamoDbCalls,
    reply: jsonErrorReply('application/x-amz-json-1.0', 'com.amazonaws.dynamodb.v20120810#'),
  },
  sqs: { signingName: 'sqs', calls: sqsCalls, reply: jsonErrorReply('application/x-amz-json-1.0') },
  stepFunctions: {
    signingName: 'states',
    calls: stepFunctionsCalls,
    reply: jsonErrorReply('application/x-amz-json-1.0'),
  },
  secretsManager: {
    signingName: 'secretsmanager',
    calls: secretsManagerCalls,
    reply: jsonErrorReply('application/x-amz-json-1.1'),
  },
  cognito: { signingName: 'cognito-idp', calls: cognitoCalls, reply: jsonErrorReply('application/x-amz-json-1.1') },
  ses: {
    signingName: 'ses',
    calls: sesCalls,
    deniedStatus: 403,
    reply: restJsonErrorReply,
  },
  sms: {
    signingName: 'sms-voice',
    calls: smsVoiceCalls,
    reply: jsonErrorReply('application/x-amz-json-1.0'),
  },
  dataApi: {
    signingName: 'rds-data',
    calls: dataApiCalls,
    deniedStatus: 403,
    reply: restJsonErrorReply,
  },
} satisfies Record<string, ProtectedService>;
