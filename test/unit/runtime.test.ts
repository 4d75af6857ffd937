import { describe, expect, it } from 'vitest';
import { readRuntime, readShardGroupClusters } from '../../lambdas/shared/runtime';

const arn = (id: string) => `arn:aws:rds:eu-west-1:123456789012:cluster:campus-prod-${id}`;

describe('function runtime settings', () => {
  it('reads stage and version, and names a missing one', () => {
    expect(readRuntime({ CAMPUS_STAGE: 'prod', CAMPUS_VERSION: '1.0.0' })).toEqual({ stage: 'prod', version: '1.0.0' });
    expect(() => readRuntime({ CAMPUS_STAGE: 'prod' })).toThrow(/CAMPUS_VERSION/);
  });

  it('maps shard group ids to cluster ARNs', () => {
    const env = { CAMPUS_SHARD_GROUP_CLUSTERS: JSON.stringify({ sg1: arn('sg1'), sg2: arn('sg2-dr') }) };
    expect(readShardGroupClusters(env)).toEqual({ sg1: arn('sg1'), sg2: arn('sg2-dr') });
  });

  it('refuses a missing map, and anything but cluster ARNs in it', () => {
    expect(() => readShardGroupClusters({})).toThrow(/CAMPUS_SHARD_GROUP_CLUSTERS is not set/);
    expect(() =>
      readShardGroupClusters({
        CAMPUS_SHARD_GROUP_CLUSTERS: JSON.stringify({ sg1: 'arn:aws:rds:eu-west-1:123456789012:db:x' }),
      }),
    ).toThrow();
  });
});
