import { handlerEntryMetadataKey } from '../../lib/constructs/school-function';
import { type SynthesizedStack, TemplateValues, type LocalAwsEnvironment } from '../step-functions/template-values';
import type { LocalEventSource, LocalFunction } from './local-function';

export type { LocalEventSource, LocalFunction } from './local-function';

export class UnsupportedFunctionError extends Error {
  override readonly name = 'UnsupportedFunctionError';
}

export interface FunctionCatalog {
  readonly functions: readonly LocalFunction[];
  readonly eventSources: readonly LocalEventSource[];
  byArn(arn: string): LocalFunction | undefined;
  /** The function of a handler module (each module is one function). */
  byEntry(entry: string): LocalFunction | undefined;
}

/**
 * The platform's functions in synthesized templates (those of SchoolFunction, which names its
 * handler module in the template's metadata), with their timeout, memory, role and
 * environment resolved to local values, and the SQS event source mappings that feed them.
 */
export function functionCatalog(
  stacks: readonly SynthesizedStack[],
  environment: LocalAwsEnvironment,
): FunctionCatalog {
  const values = new TemplateValues(stacks, environment);
  const functions: LocalFunction[] = [];
  const eventSources: LocalEventSource[] = [];
  for (const { template } of stacks) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type === 'AWS::Lambda::EventSourceMapping') {
        const properties = values.resolve(template, resource.Properties ?? {}) as {
          EventSourceArn: string;
          FunctionName: string;
          BatchSize?: number;
          FunctionResponseTypes?: string[];
          ScalingConfig?: { MaximumConcurrency?: number };
        };
        eventSources.push({
          queueArn: properties.EventSourceArn,
          // A mapping names its function by name, ARN or Ref; the catalog keys by ARN.
          functionArn: properties.FunctionName.startsWith('arn:')
            ? properties.FunctionName
            : `arn:aws:lambda:${environment.region}:${environment.accountId}:function:${properties.FunctionName}`,
          batchSize: properties.BatchSize ?? 10,
          reportBatchItemFailures: (properties.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
          ...(properties.ScalingConfig?.MaximumConcurrency
            ? { maximumConcurrency: Number(properties.ScalingConfig.MaximumConcurrency) }
            : {}),
        });
      }
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const entry: unknown = resource.Metadata?.[handlerEntryMetadataKey];
      if (typeof entry !== 'string') continue;
      const properties = resource.Properties ?? {};
      const arn = values.arnOf(template, logicalId);
      if (functions.some((fn) => fn.arn === arn)) throw new UnsupportedFunctionError(`Two functions are named ${arn}.`);
      const declared = (properties.Environment as { Variables?: unknown } | undefined)?.Variables ?? {};
      const variables = values.resolve(template, declared) as Record<string, unknown>;
      functions.push({
        name: values.nameOf(template, logicalId),
        arn,
        entry,
        timeoutMs: Number(properties.Timeout ?? 3) * 1000,
        memorySize: Number(properties.MemorySize ?? 128),
        environment: Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, String(value)])),
        roleArn: String(values.resolve(template, properties.Role)),
      });
    }
  }
  const byArn = new Map(functions.map((fn) => [fn.arn, fn]));
  const byEntry = new Map(functions.map((fn) => [fn.entry, fn]));
  return {
    functions,
    eventSources,
    byArn: (arn) => byArn.get(arn),
    byEntry: (entry) => byEntry.get(entry),
  };
}
