import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type BucketProps,
  type IBucket,
  type LifecycleRule,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface SecureBucketProps {
  /** Where server access logs go; omit only for a bucket that is itself a log target. */
  readonly accessLogs?: { readonly bucket: IBucket; readonly prefix: string };
  /** Days before current objects expire; omit to keep them. */
  readonly expireAfterDays?: number;
  /** Days before objects move to infrequent access (must be ≥ 30). @default no transition */
  readonly infrequentAccessAfterDays?: number;
  /** Days a replaced or deleted version is kept. @default 30 */
  readonly noncurrentVersionDays?: number;
  /** RETAIN keeps the bucket when its stack is deleted; DESTROY empties and deletes it. */
  readonly removalPolicy: RemovalPolicy;
  /** A fixed name, when another region's stack must find this bucket without a reference. */
  readonly bucketName?: string;
  /** Needed only by CloudFront standard logging, which writes with ACLs. @default BUCKET_OWNER_ENFORCED */
  readonly objectOwnership?: ObjectOwnership;
  /** Extra bucket properties such as replication rules. */
  readonly extra?: Partial<BucketProps>;
}

/**
 * An S3 bucket with the platform's baseline: public access blocked, TLS enforced,
 * versioned, encrypted, access-logged, and lifecycle rules for every object.
 */
export class SecureBucket extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const lifecycleRules: LifecycleRule[] = [
      {
        id: 'tidy-versions-and-uploads',
        abortIncompleteMultipartUploadAfter: Duration.days(7),
        noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
        expiredObjectDeleteMarker: props.expireAfterDays === undefined,
      },
    ];
    if (props.expireAfterDays !== undefined || props.infrequentAccessAfterDays !== undefined) {
      lifecycleRules.push({
        id: 'age-out-objects',
        ...(props.expireAfterDays !== undefined ? { expiration: Duration.days(props.expireAfterDays) } : {}),
        ...(props.infrequentAccessAfterDays !== undefined &&
        (props.expireAfterDays === undefined || props.infrequentAccessAfterDays < props.expireAfterDays)
          ? {
              transitions: [
                {
                  storageClass: StorageClass.INFREQUENT_ACCESS,
                  transitionAfter: Duration.days(props.infrequentAccessAfterDays),
                },
              ],
            }
          : {}),
      });
    }
    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: props.objectOwnership ?? ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs?.bucket,
      serverAccessLogsPrefix: props.accessLogs?.prefix,
      lifecycleRules,
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
      ...props.extra,
    });
  }
}

export interface AccessLogsBucketProps {
  readonly removalPolicy: RemovalPolicy;
  readonly expireAfterDays: number;
  /** What logs into it, for the reason its own access is not logged. */
  readonly logsFrom: string;
  /** @default BUCKET_OWNER_ENFORCED; CloudFront standard logging needs BUCKET_OWNER_PREFERRED. */
  readonly objectOwnership?: ObjectOwnership;
}

/** A bucket that receives access logs; it cannot log its own access without a loop. */
export function accessLogsBucket(scope: Construct, id: string, props: AccessLogsBucketProps): Bucket {
  const bucket = new SecureBucket(scope, id, {
    removalPolicy: props.removalPolicy,
    expireAfterDays: props.expireAfterDays,
    ...(props.objectOwnership ? { objectOwnership: props.objectOwnership } : {}),
  }).bucket;
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This bucket is the access log target of ${props.logsFrom}; logging it to itself would loop.`,
  });
  return bucket;
}
