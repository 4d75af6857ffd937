/**
 * How long an API function trusts a school's directory record it has read, and what that
 * means for the workflows that change where a school lives. Pure definitions: the CDK stacks
 * read them to set the cache and to size the move workflow's wait from the same numbers.
 */

/** Seconds an API function trusts a directory read: a suspension takes effect within this. */
export const defaultDirectoryCacheSeconds = 30;

/**
 * Allowance for a directory read that began before a switch and lands after it (DynamoDB's
 * eventually consistent read, and the clocks of the function and the workflow).
 */
const readSkewSeconds = 5;

/**
 * After a move switches a school's directory record to its new database, how long before the
 * old database may be dropped: each cached read of the old record has expired (the cache's
 * time), and each request that began with one has ended (the longest API function timeout).
 */
export function drainSecondsAfterSwitch(settings: {
  readonly directoryCacheSeconds: number;
  readonly longestRequestSeconds: number;
}): number {
  return settings.directoryCacheSeconds + settings.longestRequestSeconds + readSkewSeconds;
}
