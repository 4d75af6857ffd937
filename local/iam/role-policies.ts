import { type SynthesizedStack, TemplateValues, type LocalAwsEnvironment } from '../step-functions/template-values';
import type { PolicyDocumentJson } from './policy-evaluator';

/** A role of the synthesized templates: who may assume it, and what it may do. */
export interface LocalRole {
  readonly arn: string;
  readonly trust: PolicyDocumentJson;
  readonly policies: readonly PolicyDocumentJson[];
}

/**
 * Every IAM role in synthesized templates with the policies that apply to it, resolved to
 * local values: its inline policies, each `AWS::IAM::Policy` attached to it, and the
 * customer-managed policies (`AWS::IAM::ManagedPolicy`) it names. AWS-managed policies are
 * not known locally, so a role relying on one is refused what that policy would allow.
 */
export function rolesIn(stacks: readonly SynthesizedStack[], environment: LocalAwsEnvironment): Map<string, LocalRole> {
  const values = new TemplateValues(stacks, environment);
  const managed = new Map<string, PolicyDocumentJson>();
  const attached = new Map<string, PolicyDocumentJson[]>();
  const roles: { arn: string; trust: PolicyDocumentJson; inline: PolicyDocumentJson[]; managedArns: string[] }[] = [];
  for (const { template } of stacks) {
    for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
      const properties = resource.Properties ?? {};
      const resolved = () => values.resolve(template, properties) as Record<string, unknown>;
      switch (resource.Type) {
        case 'AWS::IAM::Role': {
          const role = resolved() as {
            AssumeRolePolicyDocument: PolicyDocumentJson;
            Policies?: { PolicyDocument: PolicyDocumentJson }[];
            ManagedPolicyArns?: string[];
          };
          roles.push({
            arn: values.arnOf(template, logicalId),
            trust: role.AssumeRolePolicyDocument,
            inline: (role.Policies ?? []).map((policy) => policy.PolicyDocument),
            managedArns: role.ManagedPolicyArns ?? [],
          });
          break;
        }
        case 'AWS::IAM::Policy': {
          const policy = resolved() as { PolicyDocument: PolicyDocumentJson; Roles?: string[] };
          for (const roleName of policy.Roles ?? []) {
            attached.set(roleName, [...(attached.get(roleName) ?? []), policy.PolicyDocument]);
          }
          break;
        }
        case 'AWS::IAM::ManagedPolicy': {
          const policy = resolved() as { PolicyDocument: PolicyDocumentJson; Roles?: string[] };
          managed.set(values.arnOf(template, logicalId), policy.PolicyDocument);
          for (const roleName of policy.Roles ?? []) {
            attached.set(roleName, [...(attached.get(roleName) ?? []), policy.PolicyDocument]);
          }
          break;
        }
      }
    }
  }
  // ARNs of older state directories name the region `local`: one account, one region.
  const canonical = (document: PolicyDocumentJson): PolicyDocumentJson =>
    JSON.parse(
      JSON.stringify(document).replace(/(arn:aws:[a-z0-9-]+:)local:/g, `$1${environment.region}:`),
    ) as PolicyDocumentJson;
  return new Map(
    roles.map((role) => {
      const name = role.arn.slice(role.arn.indexOf(':role/') + ':role/'.length);
      const policies = [
        ...role.inline,
        ...(attached.get(name) ?? []),
        ...role.managedArns.flatMap((arn) => (managed.has(arn) ? [managed.get(arn)!] : [])),
      ];
      return [role.arn, { arn: role.arn, trust: role.trust, policies: policies.map(canonical) }];
    }),
  );
}
