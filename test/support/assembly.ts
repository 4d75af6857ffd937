import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import {
  type Acknowledgement,
  acknowledgementsIn,
  readTemplate,
  type Resource,
  stackNamesIn,
  type TemplateJson,
} from '../../lib/cloud-assembly';

export type { Acknowledgement, Resource, TemplateJson };

/** The assembly the global setup synthesized with the real CLI. */
export function assemblyDir(): string {
  return inject('assemblyDir');
}

/** Names of every synthesized stack, e.g. `campus-dev-data`. */
export const stackNames = () => stackNamesIn(assemblyDir());
export const templateJson = (stack: string) => readTemplate(assemblyDir(), stack);
export const template = (stack: string) => Template.fromJSON(templateJson(stack));
export const acknowledgements = () => acknowledgementsIn(assemblyDir());

/** Every resource of one type in a stack, keyed by logical id. */
export function resourcesOf(stack: string, type: string): [string, Resource][] {
  return Object.entries(templateJson(stack).Resources).filter(([, r]) => r.Type === type);
}

/** Every resource of one type across all stacks, with its stack name. */
export function allResourcesOf(type: string): { stack: string; id: string; resource: Resource }[] {
  return stackNames().flatMap((stack) => resourcesOf(stack, type).map(([id, resource]) => ({ stack, id, resource })));
}
