import { describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { defaultStages, loadStageConfig, parseStageConfig, StageConfigError, stageNames } from '../../lib/config';
import { stagesFromContext } from '../../lib/stage-context';

function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof StageConfigError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a StageConfigError');
}

describe('stage configuration', () => {
  it('ships dev and prod, both valid', () => {
    expect(stageNames).toEqual(['dev', 'prod']);
    for (const name of stageNames) expect(() => loadStageConfig(name)).not.toThrow();
  });

  it('makes dev cheap: auto-pausing clusters, short retention, nothing protected', () => {
    const dev = loadStageConfig('dev');
    expect(dev.shardGroups.every((g) => g.minAcu === 0 && !g.globalDatabase)).toBe(true);
    expect(dev.protectData).toBe(false);
    expect(dev.retention.continuousBackupDays).toBeLessThanOrEqual(7);
    expect(dev.retention.logDays).toBeLessThanOrEqual(30);
  });

  it('makes prod safe: at least 0.5 ACU, protected data, Global Database on every shard group', () => {
    const prod = loadStageConfig('prod');
    expect(prod.shardGroups.length).toBeGreaterThan(0);
    expect(prod.shardGroups.every((g) => g.minAcu >= 0.5 && g.globalDatabase)).toBe(true);
    expect(prod.protectData).toBe(true);
    expect(prod.retention.continuousBackupDays).toBe(35);
  });

  it('names the field when a value is wrong', () => {
    const issues = issuesOf(() => loadStageConfig('dev', { alarmEmail: 'not-an-email' }));
    expect(issues).toEqual([{ path: 'alarmEmail', message: 'must be an e-mail address' }]);
  });

  it('names nested fields, with their index, and reports every problem at once', () => {
    const issues = issuesOf(() =>
      loadStageConfig('dev', {
        drRegion: 'eu-west-1',
        shardGroups: [{ id: 'sg1', minAcu: 0, maxAcu: 0.75, maxSchools: 10, globalDatabase: true }],
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toContain('shardGroups.0.minAcu');
    expect(paths).toContain('shardGroups.0.maxAcu');
    expect(paths).toContain('drRegion');
    expect(paths).toContain('drAvailabilityZones');
  });

  it('refuses a protected stage that could auto-pause, and half a custom domain', () => {
    const issues = issuesOf(() =>
      loadStageConfig('prod', {
        shardGroups: [{ id: 'sg1', minAcu: 0, maxAcu: 8, maxSchools: 10, globalDatabase: false }],
        web: { domainName: 'app.campus.example' },
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['shardGroups', 'web.certificateArn']));
  });

  it('accepts a custom domain only with a us-east-1 certificate', () => {
    const euCert = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
    expect(
      issuesOf(() => loadStageConfig('dev', { web: { domainName: 'app.campus.example', certificateArn: euCert } })),
    ).toEqual([{ path: 'web.certificateArn', message: 'must be an ACM certificate ARN in us-east-1' }]);
    const usCert = euCert.replace('eu-west-1', 'us-east-1');
    expect(
      loadStageConfig('dev', { web: { domainName: 'app.campus.example', certificateArn: usCert } }).web.domainName,
    ).toBe('app.campus.example');
  });

  it('rejects duplicate shard group ids and an unknown stage', () => {
    const group = { id: 'sg1', minAcu: 0, maxAcu: 2, maxSchools: 10, globalDatabase: false };
    expect(issuesOf(() => loadStageConfig('dev', { shardGroups: [group, group] })).map((i) => i.path)).toEqual([
      'shardGroups',
    ]);
    expect(issuesOf(() => loadStageConfig('staging'))[0]?.path).toBe('stage');
  });

  it('merges overrides deeply: one retention field changes, the others stay', () => {
    const dev = loadStageConfig('dev', { retention: { logDays: 30 }, account: '123456789012' });
    expect(dev.retention.logDays).toBe(30);
    expect(dev.retention.exportDays).toBe(defaultStages.dev!.retention.exportDays);
    expect(dev.account).toBe('123456789012');
  });

  it('parses a whole stage given as plain data', () => {
    expect(parseStageConfig('x', { ...defaultStages.prod, name: 'staging' }).name).toBe('staging');
  });
});

describe('stage selection from CDK context', () => {
  it('builds every shipped stage by default and one with -c stage=NAME', () => {
    expect(stagesFromContext(new App()).map((s) => s.name)).toEqual(['dev', 'prod']);
    expect(stagesFromContext(new App({ context: { stage: 'prod' } })).map((s) => s.name)).toEqual(['prod']);
  });

  it('applies campus:stage-overrides and validates them', () => {
    const app = new App({ context: { stage: 'dev', 'campus:stage-overrides': { dev: { account: '210987654321' } } } });
    expect(stagesFromContext(app)[0]?.account).toBe('210987654321');
    const bad = new App({ context: { stage: 'dev', 'campus:stage-overrides': { dev: { account: '12' } } } });
    expect(issuesOf(() => stagesFromContext(bad))).toEqual([
      { path: 'account', message: 'must be a 12-digit AWS account id' },
    ]);
  });
});

describe('failover switch from the command line', () => {
  it('serves a stage from its DR region with -c activeRegion=dr, and refuses other values', () => {
    const app = new App({ context: { stage: 'prod', activeRegion: 'dr' } });
    expect(stagesFromContext(app)[0]?.activeRegion).toBe('dr');
    expect(stagesFromContext(new App({ context: { stage: 'prod' } }))[0]?.activeRegion).toBe('primary');
    const bad = new App({ context: { stage: 'prod', activeRegion: 'secondary' } });
    expect(() => stagesFromContext(bad)).toThrow(/activeRegion/);
    expect(issuesOf(() => stagesFromContext(new App({ context: { activeRegion: 'dr' } })))).toEqual([
      { path: 'activeRegion', message: 'needs -c stage=NAME: fail over one stage at a time' },
    ]);
  });

  it('accepts overrides given as a JSON string, as -c passes them', () => {
    const app = new App({
      context: { stage: 'dev', 'campus:stage-overrides': '{"dev":{"alarmEmail":"ops@campus.example"}}' },
    });
    expect(stagesFromContext(app)[0]?.alarmEmail).toBe('ops@campus.example');
  });
});
