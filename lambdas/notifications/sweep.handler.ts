import * as z from 'zod';
import { lambdaHandler } from '../shared/lambda-handler';
import { logger } from '../shared/observability';
import { TenantDirectory } from '../shared/tenant-directory';
import { dispatchSchool } from './dispatcher';

let directory: TenantDirectory | undefined;

/** Schools swept at once. */
const concurrency = 8;

/** What the schedules start the sweep with: the minute's pass, or the hour's. */
const sweepEvent = z.object({ trigger: z.literal('schedule'), pass: z.enum(['minute', 'hourly']).default('minute') });

/**
 * The sweep (EventBridge Scheduler): each minute, every ACTIVE school's due requests are
 * dispatched, and messages written but not sent are queued again, whatever wake-up was lost;
 * on the hour, the day's notices (fee reminders, chronic absence) are asked for in each school
 * whose notice time has come in its own time zone, and messages past their school's retention
 * are purged. One school's failure is logged and does not stop the others; the next sweep
 * tries again.
 */
export const handler = lambdaHandler(async (event: unknown, context) => {
  const { pass } = sweepEvent.parse(event);
  directory ??= new TenantDirectory();
  const schools = [];
  let after: string | undefined;
  do {
    const page = await directory.listSchools('ACTIVE', { limit: 100, after });
    schools.push(...page.items);
    after = page.nextAfter ?? undefined;
  } while (after);
  let failed = 0;
  const queue = [...schools];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let school = queue.shift(); school; school = queue.shift()) {
        try {
          const totals = await dispatchSchool(school, {
            requestId: context.awsRequestId,
            sweep: true,
            hourly: pass === 'hourly',
          });
          if (Object.values(totals).some(Boolean)) logger.info('sweep', { schoolId: school.schoolId, ...totals });
        } catch (error) {
          failed++;
          logger.error('sweep of a school failed', { schoolId: school.schoolId, error });
        }
      }
    }),
  );
  return { schools: schools.length, failed };
});
