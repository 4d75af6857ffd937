import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Reading a synthesized cloud assembly (cdk.out): for tests, benchmarks and reports. */

export interface Resource {
  Type: string;
  // CloudFormation properties are free-form JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Properties?: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface TemplateJson {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
}

export interface Acknowledgement {
  stack: string;
  path: string;
  rule: string;
  reason: string;
}

export function stackNamesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => f.replace(/\.template\.json$/, ''))
    .sort();
}

export function readTemplate(dir: string, stack: string): TemplateJson {
  return JSON.parse(readFileSync(join(dir, `${stack}.template.json`), 'utf8')) as TemplateJson;
}

/** Every `Validations.acknowledge` recorded in the assembly's metadata. */
export function acknowledgementsIn(dir: string): Acknowledgement[] {
  return stackNamesIn(dir).flatMap((stack) => {
    const metadata = JSON.parse(readFileSync(join(dir, `${stack}.metadata.json`), 'utf8')) as Record<
      string,
      { type: string; data: Record<string, string> }[]
    >;
    return Object.entries(metadata).flatMap(([path, entries]) =>
      entries
        .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
        .flatMap((entry) => Object.entries(entry.data).map(([rule, reason]) => ({ stack, path, rule, reason }))),
    );
  });
}

/** The project's own cdk-nag acknowledgements (aws-cdk-lib adds CloudFormation-validation ones of its own). */
export function nagAcknowledgementsIn(dir: string): Acknowledgement[] {
  return acknowledgementsIn(dir).filter((ack) => /AwsSolutions-[A-Z]+\d+/.test(ack.rule));
}
