import { ManagedPolicy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledgeWildcards } from '../nag';

/** Who may do what with the objects of one bucket under `schools/`, where every school's objects live. */
export interface SchoolObjectPolicies {
  /** Put objects (a worker writing a school's export or report). */
  readonly write: ManagedPolicy;
  /** Get objects (a handler signing a download link for one). */
  readonly read: ManagedPolicy;
  /** Delete objects (a worker removing a file past its use); earlier versions expire by the bucket's lifecycle. */
  readonly remove: ManagedPolicy;
}

/**
 * Managed policies over a data bucket's school objects, made in the stack that owns the
 * bucket so that the wildcard on object keys is acknowledged once, next to the bucket;
 * functions in other stacks attach them. `nagBucketArn` is the bucket's ARN as cdk-nag
 * prints it in this stack.
 */
export function schoolObjectPolicies(
  scope: Construct,
  id: string,
  bucket: IBucket,
  nagBucketArn: string,
): SchoolObjectPolicies {
  const objects = bucket.arnForObjects('schools/*');
  const policy = (kind: string, actions: string[], description: string) => {
    const made = new ManagedPolicy(scope, `${id}${kind}`, {
      description,
      statements: [new PolicyStatement({ actions, resources: [objects] })],
    });
    acknowledgeWildcards(
      made,
      { resources: [`${nagBucketArn}/schools/*`] },
      'Object keys carry the school id and a request id known only at run time; the prefix keeps the policy to school objects of this one bucket.',
    );
    return made;
  };
  return {
    write: policy('Write', ['s3:PutObject'], `Put school objects into the ${id} bucket`),
    read: policy('Read', ['s3:GetObject'], `Get school objects from the ${id} bucket`),
    remove: policy('Remove', ['s3:DeleteObject'], `Delete school objects from the ${id} bucket`),
  };
}
