import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';

export interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface TemplateJson {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
  Transform?: unknown;
}

export function assemblyDir(): string {
  return inject('assemblyDir');
}

/** Names of every synthesized stack, e.g. `campus-dev-data`. */
export function stackNames(): string[] {
  return readdirSync(assemblyDir())
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => f.replace(/\.template\.json$/, ''))
    .sort();
}

export function templateJson(stack: string): TemplateJson {
  return JSON.parse(readFileSync(join(assemblyDir(), `${stack}.template.json`), 'utf8'));
}

export function template(stack: string): Template {
  return Template.fromJSON(templateJson(stack) as unknown as Record<string, unknown>);
}

/** Every resource of one type in a stack, keyed by logical id. */
export function resourcesOf(stack: string, type: string): [string, Resource][] {
  return Object.entries(templateJson(stack).Resources).filter(([, r]) => r.Type === type);
}

/** Every resource of one type across all stacks, with its stack name. */
export function allResourcesOf(type: string): { stack: string; id: string; resource: Resource }[] {
  return stackNames().flatMap((stack) => resourcesOf(stack, type).map(([id, resource]) => ({ stack, id, resource })));
}

export interface Acknowledgement {
  stack: string;
  path: string;
  rule: string;
  reason: string;
}

/** Every `Validations.acknowledge` recorded in the assembly's metadata. */
export function acknowledgements(): Acknowledgement[] {
  return stackNames().flatMap((stack) => {
    const metadata = JSON.parse(readFileSync(join(assemblyDir(), `${stack}.metadata.json`), 'utf8')) as Record<
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

/** The `aws:cdk:path` of a resource, to say where a failing resource comes from. */
export function cdkPath(resource: Resource): string {
  return String(resource.Metadata?.['aws:cdk:path'] ?? '');
}
