import { RetentionDays } from 'aws-cdk-lib/aws-logs';

const allowed = Object.values(RetentionDays)
  .filter((v): v is RetentionDays => typeof v === 'number' && Number(v) > 0 && v !== RetentionDays.INFINITE)
  .sort((a, b) => Number(a) - Number(b));

/** CloudWatch accepts only certain retention periods: the smallest allowed one that keeps logs at least `days`. */
export function retentionDays(days: number): RetentionDays {
  const match = allowed.find((v) => Number(v) >= days);
  if (match === undefined) throw new Error(`No CloudWatch log retention of ${days} days or more exists.`);
  return match;
}
