import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { LocalIam } from '../iam/local-iam';
import { protectedServices } from '../iam/protected-services';
import { startHttpServer } from '../http-server';
import type { ExecutionRecord } from './execution-journal';
import { StepFunctionsError } from './step-functions-errors';
import type { StepFunctionsService } from './step-functions-service';

export interface LocalStepFunctions {
  readonly url: string;
  close(): Promise<void>;
}

const stateMachineArn = z.string().regex(/^arn:aws:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/);
const executionArn = z.string().regex(/^arn:aws:states:[a-z0-9-]+:\d{12}:execution:[A-Za-z0-9_-]{1,80}:[^:]{1,80}$/);
const paging = { maxResults: z.number().int().min(0).max(1000).optional(), nextToken: z.string().optional() };

const requests = {
  StartExecution: z.object({ stateMachineArn, name: z.string().optional(), input: z.string().optional() }),
  DescribeExecution: z.object({ executionArn }),
  StopExecution: z.object({
    executionArn,
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  ListExecutions: z.object({
    stateMachineArn,
    statusFilter: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']).optional(),
    ...paging,
  }),
  GetExecutionHistory: z.object({
    executionArn,
    reverseOrder: z.boolean().optional(),
    includeExecutionData: z.boolean().optional(),
    ...paging,
  }),
  ListStateMachines: z.object(paging),
  SendTaskSuccess: z.object({ taskToken: z.string().min(1).max(1024), output: z.string().max(256 * 1024) }),
  SendTaskFailure: z.object({
    taskToken: z.string().min(1).max(1024),
    error: z.string().max(256).optional(),
    cause: z.string().max(32768).optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken: z.string().min(1).max(1024) }),
  DescribeStateMachine: z.object({ stateMachineArn }),
};
type Operation = keyof typeof requests;

/** The JSON protocol carries timestamps as epoch seconds. */
const seconds = (ms: number) => ms / 1000;

function page<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined) {
  const size = maxResults || 100;
  const offset = nextToken === undefined ? 0 : Number(Buffer.from(nextToken, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) throw new StepFunctionsError('InvalidToken', 'Invalid Token');
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}

function summary(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: seconds(record.startDate),
    ...(record.stopDate === undefined ? {} : { stopDate: seconds(record.stopDate) }),
  };
}

function handle(service: StepFunctionsService, operation: Operation, body: unknown): unknown {
  switch (operation) {
    case 'StartExecution': {
      const request = requests.StartExecution.parse(body);
      const record = service.start(request.stateMachineArn, request.name, request.input);
      return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
    }
    case 'DescribeExecution': {
      const record = service.describe(requests.DescribeExecution.parse(body).executionArn);
      return {
        ...summary(record),
        input: record.input,
        inputDetails: { included: true },
        ...(record.output === undefined ? {} : { output: record.output, outputDetails: { included: true } }),
        ...(record.error === undefined ? {} : { error: record.error }),
        ...(record.cause === undefined ? {} : { cause: record.cause }),
      };
    }
    case 'StopExecution': {
      const request = requests.StopExecution.parse(body);
      service.stop(request.executionArn, request.error, request.cause);
      return { stopDate: seconds(Date.now()) };
    }
    case 'ListExecutions': {
      const request = requests.ListExecutions.parse(body);
      const { items, nextToken } = page(
        service.list(request.stateMachineArn, request.statusFilter),
        request.maxResults,
        request.nextToken,
      );
      return { executions: items.map(summary), ...(nextToken ? { nextToken } : {}) };
    }
    case 'GetExecutionHistory': {
      const request = requests.GetExecutionHistory.parse(body);
      const history = service.describe(request.executionArn).history;
      const ordered = request.reverseOrder ? [...history].reverse() : history;
      const { items, nextToken } = page(ordered, request.maxResults, request.nextToken);
      return {
        events: items.map((event) => ({ ...event, timestamp: seconds(event.timestamp) })),
        ...(nextToken ? { nextToken } : {}),
      };
    }
    case 'ListStateMachines': {
      const request = requests.ListStateMachines.parse(body);
      const { items, nextToken } = page(service.listStateMachines(), request.maxResults, request.nextToken);
      return {
        stateMachines: items.map((machine) => ({
          stateMachineArn: machine.arn,
          name: machine.name,
          type: 'STANDARD',
          creationDate: 0,
        })),
        ...(nextToken ? { nextToken } : {}),
      };
    }
    case 'SendTaskSuccess': {
      const request = requests.SendTaskSuccess.parse(body);
      service.sendTaskSuccess(request.taskToken, request.output);
      return {};
    }
    case 'SendTaskFailure': {
      const request = requests.SendTaskFailure.parse(body);
      service.sendTaskFailure(request.taskToken, request.error, request.cause);
      return {};
    }
    case 'SendTaskHeartbeat': {
      service.taskWaiting(requests.SendTaskHeartbeat.parse(body).taskToken);
      return {};
    }
    case 'DescribeStateMachine': {
      const machine = service.stateMachine(requests.DescribeStateMachine.parse(body).stateMachineArn);
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: 'ACTIVE',
        type: 'STANDARD',
        definition: JSON.stringify(machine.definition),
        roleArn: `${machine.arn.split(':states:')[0]}:iam::${machine.arn.split(':')[4]}:role/local`,
        creationDate: 0,
      };
    }
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
}

function sendError(response: ServerResponse, type: string, message: string): void {
  send(response, 400, { __type: `com.amazonaws.states#${type}`, message });
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/**
 * The Step Functions JSON protocol (`X-Amz-Target: AWSStepFunctions.<Operation>`) over
 * the local service, so `@aws-sdk/client-sfn` and the AWS CLI work with only the endpoint
 * changed. Errors carry the service's exception names.
 */
export async function startStepFunctionsServer(options: {
  service: StepFunctionsService;
  port: number;
  /** Checks each call's signature and its caller's IAM policies. @default none: any caller */
  iam?: LocalIam;
}): Promise<LocalStepFunctions> {
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    readJson(request).then(
      (body) => {
        if (!Object.hasOwn(requests, operation)) {
          sendError(response, 'UnknownOperationException', `The local Step Functions does not support '${target}'.`);
          return;
        }
        try {
          send(response, 200, handle(options.service, operation as Operation, body));
        } catch (error) {
          if (error instanceof StepFunctionsError) sendError(response, error.type, error.message);
          else if (error instanceof z.ZodError) {
            const arnIssue = error.issues.find((issue) => /Arn$/.test(String(issue.path.at(-1))));
            if (arnIssue) sendError(response, 'InvalidArn', `Invalid Arn: '${String(arnIssue.path.join('.'))}'`);
            else sendError(response, 'ValidationException', z.prettifyError(error));
          } else send(response, 500, { __type: 'InternalServerError', message: String(error) });
        }
      },
      () => sendError(response, 'SerializationException', 'The request body is not JSON.'),
    );
  };
  return startHttpServer(
    options.iam ? options.iam.guard(protectedServices.stepFunctions, listener) : listener,
    options.port,
  );
}
