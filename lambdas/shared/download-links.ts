import type { S3Client } from '@aws-sdk/client-s3';
import { type BucketPurpose, bucketName } from './buckets';
import { s3ClientConfig } from './s3-client-config';

// The S3 client and the presigner are the largest SDK modules an API function loads, and
// only the route that hands out a finished file's link uses them: they load with the first
// link, so the function's other routes do not pay for them at cold start.
const s3 = () => import('@aws-sdk/client-s3');
const presigner = () => import('@aws-sdk/s3-request-presigner');
let client: S3Client | undefined;

/** A download link that works without credentials until it expires, saving the file under `fileName`. */
export async function signedDownloadUrl(
  purpose: BucketPurpose,
  key: string,
  options: { fileName: string; expiresInSeconds?: number },
): Promise<string> {
  const [{ GetObjectCommand, S3Client }, { getSignedUrl }] = await Promise.all([s3(), presigner()]);
  client ??= new S3Client(s3ClientConfig());
  // An ASCII name for every browser, and the exact name (RFC 6266) for those that read it.
  const ascii = options.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const disposition = `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(options.fileName)}`;
  return getSignedUrl(
    client,
    new GetObjectCommand({ Bucket: bucketName(purpose), Key: key, ResponseContentDisposition: disposition }),
    { expiresIn: options.expiresInSeconds ?? 15 * 60 },
  );
}
