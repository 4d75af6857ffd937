import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { projectRoot } from '../../lib/project';
import { assemblyDir } from '../support/assembly';
import { envWithoutAwsCredentials, runCdk } from '../support/cdk-cli';

const expectedStacks = (stage: string) => [
  `campus-${stage}-api-routes`,
  `campus-${stage}-api-routes-integrations`,
  `campus-${stage}-auth-api`,
  `campus-${stage}-backup`,
  `campus-${stage}-batch`,
  `campus-${stage}-data`,
  `campus-${stage}-dr-storage`,
  `campus-${stage}-live`,
  `campus-${stage}-messaging`,
  `campus-${stage}-observability`,
  `campus-${stage}-onboarding`,
  `campus-${stage}-web`,
  `campus-${stage}-web-firewall`,
];

describe('npm run synth (the pinned CDK CLI, offline, no AWS credentials)', () => {
  it('synthesizes every stage into one cloud assembly', () => {
    const manifest = JSON.parse(readFileSync(join(assemblyDir(), 'manifest.json'), 'utf8'));
    const stacks = Object.entries(manifest.artifacts as Record<string, { type: string }>)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name]) => name)
      .sort();
    expect(stacks).toEqual([...expectedStacks('dev'), ...expectedStacks('prod'), 'campus-prod-dr-database'].sort());
    console.log(`npm run synth of all stages took ${inject('synthSeconds').toFixed(1)} s`);
  });

  it('needs no account: every stack is region-bound and account-agnostic', () => {
    const manifest = JSON.parse(readFileSync(join(assemblyDir(), 'manifest.json'), 'utf8'));
    for (const artifact of Object.values(
      manifest.artifacts as Record<string, { type: string; environment?: string }>,
    )) {
      if (artifact.type === 'aws:cloudformation:stack')
        expect(artifact.environment).toMatch(/^aws:\/\/unknown-account\/[a-z0-9-]+$/);
    }
  });

  it('uses the aws-cdk CLI 2.1148.x, whose output cdk.json sets to cdk.out', () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, 'node_modules', 'aws-cdk', 'package.json'), 'utf8'));
    expect(pkg.version).toMatch(/^2\.1148\./);
    expect(JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')).output).toBe('cdk.out');
  });

  it('stops with a message naming the stage when the stage is unknown', () => {
    const run = runCdk([
      'synth',
      '--quiet',
      '--no-notices',
      '-c',
      'stage=staging',
      '-o',
      mkdtempSync(join(tmpdir(), 'campus-bad-')),
    ]);
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toContain('stage: unknown stage; choose one of dev, prod');
  });

  it('stops with a message naming each bad field of an overridden stage', () => {
    const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'tsx'), ['bin/app.ts'], {
      cwd: projectRoot,
      encoding: 'utf8',
      env: {
        ...envWithoutAwsCredentials(),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'campus-bad-')),
        CDK_CONTEXT_JSON: JSON.stringify({
          stage: 'dev',
          'campus:stage-overrides': { dev: { alarmEmail: 'oncall', retention: { logDays: 0 } } },
        }),
      },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration for stage "dev"');
    expect(result.stderr).toContain('alarmEmail: must be an e-mail address');
    expect(result.stderr).toContain('retention.logDays:');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
