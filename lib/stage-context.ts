import type { App } from 'aws-cdk-lib';
import { loadStageConfig, type StageConfig, type StageOverrides, stageNames } from './config';

/**
 * The stages this synth builds: `-c stage=NAME` picks one, otherwise all shipped stages.
 * Context `campus:stage-overrides` (in cdk.json or cdk.context.json) can change a stage,
 * for example `{ "prod": { "account": "123456789012", "web": { "domainName": "…" } } }`.
 */
export function stagesFromContext(app: App): StageConfig[] {
  const picked = app.node.tryGetContext('stage') as string | undefined;
  const overrides = (app.node.tryGetContext('campus:stage-overrides') ?? {}) as Record<string, StageOverrides>;
  return (picked ? [picked] : stageNames).map((name) => loadStageConfig(name, overrides[name] ?? {}));
}
