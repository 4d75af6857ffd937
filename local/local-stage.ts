import { defaultStages, parseStageConfig, type StageConfig } from '../lib/config';

/**
 * The stage the local platform plays: dev's settings with two small shard groups, so that
 * placing schools across groups is exercised on one machine.
 */
export const localStage: StageConfig = parseStageConfig('local', {
  ...defaultStages.dev,
  name: 'local',
  shardGroups: [
    { id: 'sg1', minAcu: 0, maxAcu: 1, maxSchools: 3, globalDatabase: false },
    { id: 'sg2', minAcu: 0, maxAcu: 1, maxSchools: 3, globalDatabase: false },
  ],
});

/** The local stage with API settings of a platform's own (tests shorten the directory cache). */
export function localStageWith(api: Partial<StageConfig['api']>): StageConfig {
  return parseStageConfig('local', { ...localStage, api: { ...localStage.api, ...api } });
}

/** The `resourceArn` of a local shard group, shaped like a real cluster ARN. */
export function localClusterArn(groupId: string): string {
  return `arn:aws:rds:local:000000000000:cluster:campus-local-${groupId}`;
}
