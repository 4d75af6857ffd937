import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type BucketPurpose, bucketName } from './buckets';

let client: S3Client | undefined;

/**
 * The S3 client of every handler. An endpoint override (`AWS_ENDPOINT_URL_S3`, set only
 * by the local platform) serves buckets under a path, so requests are path-style there;
 * on AWS the client is the SDK's default.
 */
export function s3Client(): S3Client {
  client ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) });
  return client;
}

export async function putObject(
  purpose: BucketPurpose,
  key: string,
  body: string | Uint8Array,
  contentType: string,
): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: bucketName(purpose), Key: key, Body: body, ContentType: contentType }),
  );
}

/** A download link that works without credentials until it expires, saving the file under `fileName`. */
export async function signedDownloadUrl(
  purpose: BucketPurpose,
  key: string,
  options: { fileName: string; expiresInSeconds?: number },
): Promise<string> {
  const disposition = `attachment; filename="${options.fileName.replace(/["\\\r\n]/g, '_')}"`;
  return getSignedUrl(
    s3Client(),
    new GetObjectCommand({ Bucket: bucketName(purpose), Key: key, ResponseContentDisposition: disposition }),
    { expiresIn: options.expiresInSeconds ?? 15 * 60 },
  );
}
