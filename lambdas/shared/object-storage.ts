import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type BucketPurpose, bucketName } from './buckets';

let client: S3Client | undefined;

/**
 * An endpoint override (`AWS_ENDPOINT_URL_S3`, set only by the local platform) serves
 * buckets under a path, so requests are path-style there; on AWS the SDK's defaults hold.
 */
export function s3ClientConfig(): { forcePathStyle: boolean } {
  return { forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) };
}

/** The S3 client of every handler. */
export function s3Client(): S3Client {
  client ??= new S3Client(s3ClientConfig());
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

/** An object's content as text. */
export async function getObjectText(purpose: BucketPurpose, key: string): Promise<string> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucketName(purpose), Key: key }));
  return out.Body!.transformToString('utf-8');
}

/** A download link that works without credentials until it expires, saving the file under `fileName`. */
export async function signedDownloadUrl(
  purpose: BucketPurpose,
  key: string,
  options: { fileName: string; expiresInSeconds?: number },
): Promise<string> {
  // An ASCII name for every browser, and the exact name (RFC 6266) for those that read it.
  const ascii = options.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const disposition = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.fileName)}`;
  return getSignedUrl(
    s3Client(),
    new GetObjectCommand({ Bucket: bucketName(purpose), Key: key, ResponseContentDisposition: disposition }),
    { expiresIn: options.expiresInSeconds ?? 15 * 60 },
  );
}
