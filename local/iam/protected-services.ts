import {
  cognitoCalls,
  dataApiCalls,
  dynamoDbCalls,
  secretsManagerCalls,
  sqsCalls,
  stepFunctionsCalls,
} from './aws-calls';
import { jsonErrorReply, type ProtectedService } from './local-iam';

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
  dataApi: {
    signingName: 'rds-data',
    calls: dataApiCalls,
    deniedStatus: 403,
    reply: (response, error) =>
      response
        .writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-errortype': error.code })
        .end(JSON.stringify({ message: error.message })),
  },
} satisfies Record<string, ProtectedService>;
