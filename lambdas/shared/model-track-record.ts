/**
 * What the scoring run and the analytics API agree on about a school's model track record
 * (lambdas/scoring/track-record.ts measures it; the API tells it).
 */

/** Fewer predictions judged than this in a setup and the school cannot yet tell, nor calibrate. */
export const minimumJudged = 30;
