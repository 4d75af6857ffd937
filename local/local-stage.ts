import { localAccountId, localRegion } from './sqs/sqs-server';
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

/**
 * The local stage with settings of a platform's own: a shorter directory cache, fewer schools
 * per shard group (tests of placement).
 */
export function localStageWith(
  settings: Partial<StageConfig['api']> & { readonly shardGroupCapacity?: number },
): StageConfig {
  const { shardGroupCapacity, ...api } = settings;
  return parseStageConfig('local', {
    ...localStage,
    api: { ...localStage.api, ...api },
    shardGroups: localStage.shardGroups.map((group) => ({
      ...group,
      maxSchools: shardGroupCapacity ?? group.maxSchools,
    })),
  });
}

/** The `resourceArn` of a local shard group, shaped like a real cluster ARN. */
export function localClusterArn(groupId: string): string {
  return `arn:aws:rds:${localRegion}:${localAccountId}:cluster:campus-local-${groupId}`;
}
