import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { bucketName } from '../../lambdas/shared/buckets';
import { signedDownloadUrl } from '../../lambdas/shared/download-links';
import { putObject, s3Client } from '../../lambdas/shared/object-storage';
import { useLocalPlatform } from '../support/local-platform';

const platform = useLocalPlatform('objects');

describe('local object storage (S3 on disk behind the app origin, SigV4 checked)', () => {
  it('stores what handlers put through the shared client and gives it back with its metadata', async () => {
    await putObject('reports', 'schools/s1/term-1.pdf', Buffer.from('%PDF-1.7 report'), 'application/pdf');
    const s3 = s3Client();
    const Bucket = bucketName('reports');
    expect(Bucket).toBe('campus-local-reports');
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'schools/s1/term-1.pdf' }));
    expect(await got.Body!.transformToString()).toBe('%PDF-1.7 report');
    expect(got.ContentType).toBe('application/pdf');
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'schools/s1/term-1.pdf' }));
    expect(head.ContentLength).toBe(15);
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('accepts a streamed upload (aws-chunked with a CRC32 trailer) and user metadata', async () => {
    const s3 = s3Client();
    const Bucket = bucketName('imports');
    await s3.send(
      new PutObjectCommand({
        Bucket,
        Key: 'uploads/students.csv',
        Body: Readable.from([Buffer.from('admission_no,name\n'), Buffer.from('A1,Ada\n')]),
        ContentLength: 25,
        ContentType: 'text/csv',
        Metadata: { 'uploaded-by': 'teacher-1' },
      }),
    );
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: 'uploads/students.csv' }));
    expect(head.Metadata).toEqual({ 'uploaded-by': 'teacher-1' });
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: 'uploads/students.csv', Range: 'bytes=18-' }));
    expect(await got.Body!.transformToString()).toBe('A1,Ada\n');
    expect(got.ContentRange).toBe('bytes 18-24/25');
  });

  it('lists by prefix and delimiter, page by page, and deletes', async () => {
    const s3 = s3Client();
    const Bucket = bucketName('exports');
    for (const key of ['s1/a.csv', 's1/b.csv', 's1/deep/c.csv', 's2/d.csv']) {
      await putObject('exports', key, key, 'text/csv');
    }
    const first = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 's1/', MaxKeys: 2 }));
    expect(first.Contents!.map((o) => o.Key)).toEqual(['s1/a.csv', 's1/b.csv']);
    expect(first.IsTruncated).toBe(true);
    const second = await s3.send(
      new ListObjectsV2Command({ Bucket, Prefix: 's1/', ContinuationToken: first.NextContinuationToken }),
    );
    expect(second.Contents!.map((o) => o.Key)).toEqual(['s1/deep/c.csv']);
    const folders = await s3.send(new ListObjectsV2Command({ Bucket, Delimiter: '/' }));
    expect(folders.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['s1/', 's2/']);
    await s3.send(new DeleteObjectCommand({ Bucket, Key: 's2/d.csv' }));
    await expect(s3.send(new GetObjectCommand({ Bucket, Key: 's2/d.csv' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('serves a signed download link to a plain browser request, as an attachment', async () => {
    await putObject('exports', 'school/export.csv', 'id,name\n1,Ada\n', 'text/csv');
    const url = await signedDownloadUrl('exports', 'school/export.csv', { fileName: 'students.csv' });
    expect(url.startsWith(`${platform().url}/local-s3/`)).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="students.csv"; filename*=UTF-8''students.csv`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('id,name\n1,Ada\n');

    const accented = await fetch(
      await signedDownloadUrl('exports', 'school/export.csv', { fileName: 'Zażółć "1".csv' }),
    );
    expect(accented.status).toBe(200);
    expect(accented.headers.get('content-disposition')).toBe(
      `attachment; filename="Za____ _1_.csv"; filename*=UTF-8''${encodeURIComponent('Zażółć "1".csv')}`,
    );
  });

  it('pages through common prefixes one at a time without repeating them', async () => {
    const Bucket = bucketName('imports');
    for (const key of ['p/a/1', 'p/a/2', 'p/b/1', 'p/c']) await putObject('imports', key, key, 'text/plain');
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const out = await s3Client().send(
        new ListObjectsV2Command({ Bucket, Prefix: 'p/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }),
      );
      seen.push(...(out.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(out.Contents ?? []).map((o) => o.Key!));
      token = out.NextContinuationToken;
      if (!out.IsTruncated) break;
    }
    expect(seen).toEqual(['p/a/', 'p/b/', 'p/c']);
  });

  it('refuses an expired, altered or unsigned link', async () => {
    const s3 = s3Client();
    const command = new GetObjectCommand({ Bucket: bucketName('exports'), Key: 'school/export.csv' });
    const expired = await getSignedUrl(s3, command, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
    const expiredResponse = await fetch(expired);
    expect(expiredResponse.status).toBe(403);
    expect(await expiredResponse.text()).toContain('Request has expired');

    const valid = await signedDownloadUrl('exports', 'school/export.csv', { fileName: 'x.csv' });
    const otherKey = valid.replace('export.csv', 'other.csv');
    const altered = await fetch(otherKey);
    expect(altered.status).toBe(403);
    expect(await altered.text()).toContain('SignatureDoesNotMatch');

    const unsigned = await fetch(`${platform().url}/local-s3/${bucketName('exports')}/school/export.csv`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('answers NoSuchBucket for a bucket the platform does not have', async () => {
    await expect(
      s3Client().send(new GetObjectCommand({ Bucket: 'campus-local-nothing', Key: 'x' })),
    ).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});
