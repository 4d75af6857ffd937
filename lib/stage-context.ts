import type { App } from 'aws-cdk-lib';
import { loadStageConfig, type StageConfig, StageConfigError, type StageOverrides, stageNames } from './config';

/**
 * The stages this synth builds: `-c stage=NAME` picks one, otherwise all shipped stages.
 * Context `campus:stage-overrides` (in cdk.json or cdk.context.json, or as a JSON string
 * on the command line) changes a stage, for example
 * `{ "prod": { "account": "123456789012", "web": { "domainName": "…" } } }`, and
 * `-c activeRegion=dr` serves the picked stage from its DR region (failover runbook).
 */
export function stagesFromContext(app: App): StageConfig[] {
  const picked = app.node.tryGetContext('stage') as string | undefined;
  const raw = (app.node.tryGetContext('campus:stage-overrides') ?? {}) as unknown;
  const overrides = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, StageOverrides>;
  const activeRegion = app.node.tryGetContext('activeRegion') as string | undefined;
  if (activeRegion && !picked) {
    // A failover is one stage's decision; never move every stage at once.
    throw new StageConfigError('(all)', [
      { path: 'activeRegion', message: 'needs -c stage=NAME: fail over one stage at a time' },
    ]);
  }
  return (picked ? [picked] : stageNames).map((name) =>
    loadStageConfig(name, { ...overrides[name], ...(activeRegion ? { activeRegion } : {}) }),
  );
}
