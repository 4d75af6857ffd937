import type { DataApiSession } from '../shared/data-api';

/** A school's senders waited this long for its rate to allow a send, and gave up: the queue tries later. */
export class SendRateExceeded extends Error {
  override readonly name = 'SendRateExceeded';
}

/** How long a sender waits for the school's rate before giving the queue message back. */
const longestWaitMs = 60_000;

/**
 * Takes `count` (at most `perSecond`) sends of this second's allowance of the school, waiting for the
 * next second while this one's is spent: one statement a try, in the school's database, so every
 * sender of the school, in any execution environment, shares the one allowance. Seconds older
 * than a minute are cleared in the same statement.
 */
export async function takeSendAllowance(
  db: DataApiSession,
  count: number,
  perSecond: number,
  options: { longestWaitMs?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<void> {
  if (count <= 0) return;
  if (count > perSecond) throw new RangeError(`${count} sends cannot come out of one second of ${perSecond}.`);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const giveUpAt = Date.now() + (options.longestWaitMs ?? longestWaitMs);
  for (;;) {
    const [row] = await db.query<{ taken: boolean; waitMs: number }>(
      `WITH now AS (SELECT clock_timestamp() AS at),
       cleared AS (
         DELETE FROM send_allowance WHERE second < (SELECT date_trunc('second', at) FROM now) - interval '1 minute'
       ),
       taken AS (
         INSERT INTO send_allowance AS a (second, sent) SELECT date_trunc('second', at), :wanted FROM now
         ON CONFLICT (second) DO UPDATE SET sent = a.sent + excluded.sent WHERE a.sent + excluded.sent <= :perSecond
         RETURNING sent
       )
       SELECT EXISTS (SELECT 1 FROM taken) AS taken,
              ceil(extract(epoch FROM date_trunc('second', at) + interval '1 second' - at) * 1000)::int AS "waitMs"
         FROM now`,
      { wanted: count, perSecond },
    );
    if (row!.taken) return;
    if (Date.now() + row!.waitMs > giveUpAt)
      throw new SendRateExceeded(`The school's rate of ${perSecond}/s is spent.`);
    // Spread the waiting senders over the next second, so they do not all try at its first instant.
    await sleep(row!.waitMs + Math.floor(Math.random() * 50));
  }
}
