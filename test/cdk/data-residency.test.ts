import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStages, loadStageConfig, parseStageConfig, servedCountries, stagePrefix } from '../../lib/config';
import { jurisdictions } from '../../lambdas/shared/jurisdictions';
import { servedCountriesVariable } from '../../lambdas/shared/platform-variables';
import { validateRequest } from '../../lambdas/onboarding/onboarding-steps';
import { assemblyDir, stackNames, templateJson } from '../support/assembly';

/** Any AWS region name written in a template. */
const regionPattern = /\b(?:us|eu|ap|ca|sa|me|af|il|mx)-(?:gov-)?[a-z]+-\d\b/g;

/**
 * Resources that hold or copy school data. A stack outside the jurisdiction may have none of them:
 * the CloudFront-scoped WAF must be in us-east-1, and keeps nothing of a school.
 */
const dataBearing = [
  'AWS::RDS::DBCluster',
  'AWS::RDS::GlobalCluster',
  'AWS::S3::Bucket',
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::SQS::Queue',
  'AWS::SecretsManager::Secret',
  'AWS::Backup::BackupVault',
  'AWS::Logs::LogGroup',
  'AWS::KinesisFirehose::DeliveryStream',
  'AWS::Cognito::UserPool',
];

/**
 * ARNs elsewhere that carry no school data: the edge services' (the WAF web ACL and CloudFront's
 * certificate, in us-east-1) and the Serverless Application Repository's, where the secret
 * rotation function's code is fetched from at deployment.
 */
const dataFreeArn = /arn:aws:(?:wafv2|acm):us-east-1:[^"]*|arn:aws[a-z-]*:serverlessrepo:[^"]*/g;

const environments = () =>
  (
    JSON.parse(readFileSync(join(assemblyDir(), 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    }
  ).artifacts;

describe('data residency', () => {
  for (const stage of Object.keys(defaultStages)) {
    const config = loadStageConfig(stage);
    const allowed: readonly string[] = jurisdictions[config.jurisdiction].regions;
    const prefix = stagePrefix(config);
    const stacksOf = () => stackNames().filter((name) => name.startsWith(`${prefix}-`));

    it(`${stage}: every stack that holds school data, its backups and replicas included, is in the ${config.jurisdiction} jurisdiction`, () => {
      const outside = stacksOf()
        .map((name) => ({ name, region: environments()[name]!.environment!.split('/').at(-1)! }))
        .filter(({ region }) => !allowed.includes(region));
      expect(outside.map((s) => s.name)).toEqual([`${prefix}-web-firewall`]);
      for (const { name } of outside) {
        const types = Object.values(templateJson(name).Resources).map((r) => r.Type);
        expect(
          types.filter((type) => dataBearing.includes(type)),
          name,
        ).toEqual([]);
      }
    });

    it(`${stage}: names no region outside the jurisdiction in any template (replicas, copy jobs, global tables, secrets)`, () => {
      const found = stacksOf()
        .filter((name) => name !== `${prefix}-web-firewall`)
        .flatMap((name) => {
          const text = JSON.stringify(templateJson(name)).replace(dataFreeArn, '');
          return [...new Set(text.match(regionPattern) ?? [])]
            .filter((region) => !allowed.includes(region))
            .map((region) => `${name}: ${region}`);
        });
      expect(found).toEqual([]);
    });

    it(`${stage}: onboarding takes only schools of the countries it serves`, () => {
      const served = servedCountries(config);
      const onboarding = templateJson(`${prefix}-onboarding`);
      const variables = Object.values(onboarding.Resources)
        .filter((r) => r.Type === 'AWS::Lambda::Function')
        .map((r) => (r.Properties as { Environment?: { Variables?: Record<string, unknown> } }).Environment?.Variables)
        .filter((v) => v?.[servedCountriesVariable] !== undefined);
      expect(variables.map((v) => v![servedCountriesVariable])).toEqual([served.join(',')]);
    });
  }

  it('refuses a stage whose regions leave its jurisdiction, or that serves a country outside it', () => {
    const eu = { ...defaultStages.dev };
    expect(() => parseStageConfig('x', { ...eu, drRegion: 'us-east-1', drAvailabilityZones: ['us-east-1a'] })).toThrow(
      /drRegion: must be a region of the stage’s jurisdiction/,
    );
    expect(() => parseStageConfig('x', { ...eu, countries: ['PT', 'BR'] })).toThrow(
      /countries: every country must be of the stage’s jurisdiction/,
    );
    expect(parseStageConfig('x', { ...eu, countries: ['PT', 'ES'] }).countries).toEqual(['PT', 'ES']);
  });

  it('refuses to onboard a school of a country the stage does not serve, saying why', () => {
    const request = {
      name: 'Lincoln High',
      slug: 'lincoln',
      country: 'US',
      timezone: 'America/Chicago',
      currency: 'USD',
      admin: { name: 'Ada', email: 'ada@lincoln.example' },
      plan: 'standard',
    };
    const eu = jurisdictions.eu.countries.join(',');
    expect(() => validateRequest(request, eu)).toThrow(/country: this stage keeps data only where/);
    expect(
      validateRequest({ ...request, country: 'PT', timezone: 'Europe/Lisbon', currency: 'EUR' }, eu).request.country,
    ).toBe('PT');
    expect(validateRequest(request, jurisdictions.us.countries.join(',')).request.country).toBe('US');
  });
});
