import { Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { type StageConfig, stagePrefix } from '../config';

export interface WebFirewallStackProps extends StackProps {
  readonly config: StageConfig;
}

const visibility = (metricName: string) => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const managedRule = (name: string, priority: number, ruleActionOverrides?: CfnWebACL.RuleActionOverrideProperty[]) => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: { vendorName: 'AWS', name, ...(ruleActionOverrides ? { ruleActionOverrides } : {}) },
  },
  visibilityConfig: visibility(name),
});

/**
 * The web ACL in front of CloudFront. CloudFront only accepts web ACLs from us-east-1,
 * so this stack is always deployed there whatever the stage's primary region.
 */
export class WebFirewallStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${stagePrefix(config)}-web`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${stagePrefix(config)}-web`),
      rules: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: config.web.rateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
        managedRule('AWSManagedRulesAmazonIpReputationList', 1),
        // CSV imports post bodies larger than the common rule set's 8 KB limit: count those, do not block.
        managedRule('AWSManagedRulesCommonRuleSet', 2, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 3),
      ],
    });
  }
}
