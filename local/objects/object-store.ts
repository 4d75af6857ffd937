import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  /** MD5 of the content in hex, as S3's ETag of a single-part upload (without quotes). */
  readonly etag: string;
  readonly lastModified: string;
  readonly contentType: string;
  readonly contentDisposition?: string;
  /** `x-amz-meta-*` values, by name without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
}

export class NoSuchBucketError extends Error {
  override readonly name = 'NoSuchBucket';
}

/**
 * Objects on disk, one directory per bucket: each object is a content file and a
 * metadata file named by the hash of its key (keys may be longer than a file name).
 * The metadata file is written last, so a crash mid-write leaves no half object.
 */
export class ObjectStore {
  constructor(
    private readonly dir: string,
    buckets: readonly string[],
  ) {
    for (const bucket of buckets) mkdirSync(join(dir, bucket), { recursive: true });
  }

  hasBucket(bucket: string): boolean {
    return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && existsSync(join(this.dir, bucket));
  }

  put(
    bucket: string,
    key: string,
    body: Buffer,
    meta: Pick<ObjectInfo, 'contentType' | 'metadata'> & { contentDisposition?: string },
  ): ObjectInfo {
    const base = this.pathOf(bucket, key);
    const info: ObjectInfo = {
      key,
      size: body.length,
      etag: createHash('md5').update(body).digest('hex'),
      lastModified: new Date().toISOString(),
      ...meta,
    };
    writeFileSync(`${base}.data.tmp`, body);
    renameSync(`${base}.data.tmp`, `${base}.data`);
    writeFileSync(`${base}.json.tmp`, JSON.stringify(info));
    renameSync(`${base}.json.tmp`, `${base}.json`);
    return info;
  }

  head(bucket: string, key: string): ObjectInfo | undefined {
    const file = `${this.pathOf(bucket, key)}.json`;
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ObjectInfo) : undefined;
  }

  get(bucket: string, key: string): { info: ObjectInfo; body: Buffer } | undefined {
    const info = this.head(bucket, key);
    return info ? { info, body: readFileSync(`${this.pathOf(bucket, key)}.data`) } : undefined;
  }

  delete(bucket: string, key: string): void {
    const base = this.pathOf(bucket, key);
    rmSync(`${base}.json`, { force: true });
    rmSync(`${base}.data`, { force: true });
  }

  /** Every object whose key starts with the prefix, in key order (UTF-8 binary order, as S3 lists). */
  list(bucket: string, prefix = ''): ObjectInfo[] {
    this.requireBucket(bucket);
    return readdirSync(join(this.dir, bucket))
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(this.dir, bucket, name), 'utf8')) as ObjectInfo)
      .filter((info) => info.key.startsWith(prefix))
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  private requireBucket(bucket: string): void {
    if (!this.hasBucket(bucket)) throw new NoSuchBucketError(`The specified bucket does not exist: ${bucket}`);
  }

  private pathOf(bucket: string, key: string): string {
    this.requireBucket(bucket);
    return join(this.dir, bucket, createHash('sha256').update(key).digest('hex'));
  }
}
