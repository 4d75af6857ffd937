/**
 * An endpoint override (`AWS_ENDPOINT_URL_S3`, set only by the local platform) serves
 * buckets under a path, so requests are path-style there; on AWS the SDK's defaults hold.
 */
export function s3ClientConfig(): { forcePathStyle: boolean } {
  return { forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) };
}
