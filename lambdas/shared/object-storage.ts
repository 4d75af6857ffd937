import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BucketPurpose, bucketName } from './buckets';
import { s3ClientConfig } from './s3-client-config';

let client: S3Client | undefined;

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

/** Removes an object (gone already is fine: a repeated removal changes nothing). */
export async function deleteObject(purpose: BucketPurpose, key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: bucketName(purpose), Key: key }));
}
