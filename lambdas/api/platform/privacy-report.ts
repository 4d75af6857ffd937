import type { DataApiSession } from '../../shared/data-api';
import { openSql, overdueSql } from '../../shared/privacy-requests';
import type { SchoolRecord } from '../../shared/school-lifecycle';
import type { PrivacyReport } from './privacy-report.schemas';

/** What the report reads of the directory and of each school. */
export interface PrivacyReportPorts {
  /** Every school whose data can be read (ACTIVE and SUSPENDED), every page. */
  schools(): Promise<SchoolRecord[]>;
  /** A read-only session on a school's database. */
  session(school: SchoolRecord): Promise<DataApiSession>;
}

type SchoolCounts = Omit<PrivacyReport['schools'][number], 'schoolId' | 'slug' | 'name'>;

/** Schools read at once: a stage of a thousand schools answers in seconds without crowding the Data API. */
const concurrency = 10;

async function countsOf(db: DataApiSession, days: number): Promise<SchoolCounts> {
  const [row] = await db.query<SchoolCounts>(
    `SELECT count(*) FILTER (WHERE r.requested_at >= current_date - :days::int + 1)::int AS requested,
            count(*) FILTER (WHERE r.status IN ('ready', 'downloaded') AND r.finished_at >= current_date - :days::int + 1)::int
              AS answered,
            count(*) FILTER (WHERE r.status = 'failed' AND r.finished_at >= current_date - :days::int + 1)::int AS failed,
            count(*) FILTER (WHERE ${openSql('r')})::int AS open,
            count(*) FILTER (WHERE ${overdueSql('r')})::int AS overdue,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM r.finished_at - r.requested_at) / 3600)
               FILTER (WHERE r.status IN ('ready', 'downloaded') AND r.finished_at >= current_date - :days::int + 1))::float8
              AS "medianHoursToAnswer"
       FROM privacy_requests r`,
    { days },
  );
  return row!;
}

/**
 * The stage's report of families' data requests for operators: per school and in all, how many
 * were asked and answered in the period, how many are owed and overdue now, and how fast they
 * were answered. It reads counts of each school's requests, never a request's student or requester.
 */
export async function privacyReport(ports: PrivacyReportPorts, days: number): Promise<PrivacyReport> {
  const schools = await ports.schools();
  const rows: PrivacyReport['schools'] = [];
  for (let i = 0; i < schools.length; i += concurrency) {
    const batch = schools.slice(i, i + concurrency);
    rows.push(
      ...(await Promise.all(
        batch.map(async (school) => ({
          schoolId: school.schoolId,
          slug: school.slug,
          name: school.name,
          ...(await countsOf(await ports.session(school), days)),
        })),
      )),
    );
  }
  const sum = (key: keyof SchoolCounts) => rows.reduce((total, row) => total + Number(row[key] ?? 0), 0);
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  return {
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    totals: {
      requested: sum('requested'),
      answered: sum('answered'),
      failed: sum('failed'),
      open: sum('open'),
      overdue: sum('overdue'),
      schools: schools.length,
    },
    schools: rows
      .filter((row) => row.requested || row.open || row.answered || row.failed)
      .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.slug.localeCompare(b.slug)),
  };
}
