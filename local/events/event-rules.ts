import type { SynthesizedStack } from '../step-functions/template-values';
import { type LocalAwsEnvironment, TemplateValues } from '../step-functions/template-values';
import type { RecordedEvent } from './event-log';

/** An EventBridge rule of the synthesized templates: its pattern, the functions it invokes, the queues it sends to. */
export interface LocalEventRule {
  readonly name: string;
  readonly eventBusName: string;
  readonly pattern: EventPattern;
  readonly functionArns: readonly string[];
  /** Queue names (the last part of their ARNs). */
  readonly queueNames: readonly string[];
}

/** An event pattern: per field, the values allowed, or a pattern of the nested object. */
export type EventPattern = { readonly [field: string]: readonly unknown[] | EventPattern };

/** The event as a rule's target receives it. */
export function eventEnvelope(event: RecordedEvent, environment: LocalAwsEnvironment) {
  return {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: event.source,
    account: environment.accountId,
    time: event.time,
    region: environment.region,
    resources: [],
    detail: event.detail,
  };
}

/**
 * Whether a value matches a pattern, as EventBridge matches: every field the pattern names
 * must be present, a list matches a value equal to one of its items (or, for a list value,
 * sharing one), and a nested pattern matches a nested object. Only exact values are used by
 * the platform's rules; content filters (prefix, numeric, exists) are refused at start.
 */
export function matchesPattern(pattern: EventPattern, value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = record[field];
    if (!Array.isArray(expected)) return matchesPattern(expected as EventPattern, actual);
    const candidates = Array.isArray(actual) ? actual : [actual];
    return candidates.some((candidate) => expected.some((allowed) => allowed === candidate));
  });
}

function assertExactValues(pattern: EventPattern, path: string): void {
  for (const [field, expected] of Object.entries(pattern)) {
    if (!Array.isArray(expected)) {
      assertExactValues(expected as EventPattern, `${path}.${field}`);
    } else if (expected.some((item) => typeof item === 'object' && item !== null)) {
      throw new Error(`The local event bus matches exact values only; ${path}.${field} has a content filter.`);
    }
  }
}

/** Every enabled rule of the templates with its Lambda function and SQS queue targets, patterns resolved to local values. */
export function eventRulesIn(stacks: readonly SynthesizedStack[], environment: LocalAwsEnvironment): LocalEventRule[] {
  const values = new TemplateValues(stacks, environment);
  return stacks.flatMap(({ template }) =>
    Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
      .map(([logicalId, resource]) => {
        const properties = values.resolve(template, resource.Properties ?? {}) as {
          Name?: string;
          EventBusName?: string;
          EventPattern?: EventPattern;
          State?: string;
          Targets?: { Arn: string }[];
        };
        return { logicalId, properties };
      })
      .filter(({ properties }) => properties.EventPattern && properties.State !== 'DISABLED')
      .map(({ logicalId, properties }) => {
        // EventBridge's pattern names `detail-type`; CDK writes it so in the template.
        const pattern = properties.EventPattern!;
        assertExactValues(pattern, properties.Name ?? logicalId);
        return {
          name: properties.Name ?? logicalId,
          eventBusName: properties.EventBusName ?? 'default',
          pattern,
          functionArns: (properties.Targets ?? []).map((t) => t.Arn).filter((arn) => arn.includes(':function:')),
          queueNames: (properties.Targets ?? [])
            .map((t) => t.Arn)
            .filter((arn) => arn.startsWith('arn:aws:sqs:'))
            .map((arn) => arn.split(':').at(-1)!),
        };
      }),
  );
}
