import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { assemblyDir, template } from '../support/assembly';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe.each(['dev', 'prod'])('web firewall stack (%s)', (stage) => {
  const config = loadStageConfig(stage);
  const t = template(`campus-${stage}-web-firewall`);

  it('is deployed to us-east-1, where CloudFront takes its web ACLs from', () => {
    const manifest = JSON.parse(readFileSync(join(assemblyDir(), 'manifest.json'), 'utf8'));
    expect(manifest.artifacts[`campus-${stage}-web-firewall`].environment).toMatch(/\/us-east-1$/);
  });

  it('has a CloudFront web ACL with the common rule set and a per-IP rate limit', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'rate-limit-per-ip',
          Action: { Block: {} },
          Statement: { RateBasedStatement: { Limit: config.web.rateLimitPer5Minutes, AggregateKeyType: 'IP' } },
        }),
        Match.objectLike({
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
          },
        }),
      ]),
    });
  });

  it('counts rather than blocks large bodies, so CSV imports pass the common rule set', () => {
    const acl = template(`campus-${stage}-web-firewall`).findResources('AWS::WAFv2::WebACL');
    const rules = (Object.values(acl)[0] as any).Properties.Rules;
    const common = rules.find((r: any) => r.Name === 'AWSManagedRulesCommonRuleSet');
    expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });
});
