/**
 * The platform's object buckets. The data stack creates them (names chosen by
 * CloudFormation) and passes each name to functions in its variable; the local platform
 * creates the same buckets on disk and sets the same variables.
 */
export const platformBuckets = [
  {
    purpose: 'exports',
    variable: 'CAMPUS_EXPORTS_BUCKET',
    holds: 'school data exports (CSV and offboarding archives)',
  },
  { purpose: 'reports', variable: 'CAMPUS_REPORTS_BUCKET', holds: 'generated PDF reports' },
  { purpose: 'imports', variable: 'CAMPUS_IMPORTS_BUCKET', holds: 'uploaded CSV files awaiting import' },
] as const;

export type BucketPurpose = (typeof platformBuckets)[number]['purpose'];

/** The variable that gives a function the bucket for this purpose. */
export function bucketVariable(purpose: BucketPurpose): string {
  return platformBuckets.find((bucket) => bucket.purpose === purpose)!.variable;
}

/** The bucket a function was given for this purpose. */
export function bucketName(purpose: BucketPurpose, env: NodeJS.ProcessEnv = process.env): string {
  const variable = bucketVariable(purpose);
  const name = env[variable];
  if (!name) throw new Error(`${variable} is not set.`);
  return name;
}
