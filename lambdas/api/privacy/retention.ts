import { auditEntry } from '../../shared/audit-entry';
import { type DataApiSession, jsonColumn, typed } from '../../shared/data-api';
import { type RetentionKind, retentionKinds, suggestedRetention } from '../../shared/retention-policy';
import { isoTimestampSql } from '../sql-fragments';
import type { RetentionPolicyInput, RetentionPolicyView } from './retention.schemas';

/** The country of a locale such as `pt-PT`, if it names one. */
function countryOf(locale: string | null | undefined): string | undefined {
  try {
    return locale ? new Intl.Locale(locale).region : undefined;
  } catch {
    return undefined;
  }
}

/** The policy in one round trip: its rows, the school's locale (for the suggestion) and the last ten runs. */
export async function readRetentionPolicy(db: DataApiSession): Promise<RetentionPolicyView> {
  const [row] = await db.query<{ policy: string; locale: string | null; runs: string }>(
    `SELECT coalesce((SELECT json_agg(json_build_object('kind', kind, 'years', keep_years, 'by', coalesce(st.name, p.updated_by),
                                                       'at', ${isoTimestampSql('p.updated_at')}))
                        FROM retention_policy p LEFT JOIN staff st ON st.user_sub = p.updated_by), '[]')::text AS policy,
            (SELECT locale FROM school_settings) AS locale,
            coalesce((SELECT json_agg(r ORDER BY r."ranAt" DESC) FROM (
              SELECT run_id AS "runId", ${isoTimestampSql('ran_at')} AS "ranAt", removed
                FROM retention_runs ORDER BY ran_at DESC LIMIT 10) r), '[]')::text AS runs`,
  );
  const rows = jsonColumn<{ kind: RetentionKind; years: number | null; by: string; at: string }[]>(row!.policy);
  const latest = rows.reduce<(typeof rows)[number] | undefined>(
    (last, r) => (!last || r.at > last.at ? r : last),
    undefined,
  );
  return {
    policy: Object.fromEntries(
      retentionKinds.map((kind) => [kind, rows.find((r) => r.kind === kind)?.years ?? null]),
    ) as RetentionPolicyView['policy'],
    updatedAt: latest?.at ?? null,
    updatedBy: latest?.by ?? null,
    suggested: { ...suggestedRetention(countryOf(row!.locale)) },
    runs: jsonColumn<RetentionPolicyView['runs']>(row!.runs),
  };
}

/** Sets the kinds named (one audited statement; a kind set to what it is changes nothing), then reads the policy. */
export async function setRetentionPolicy(
  db: DataApiSession,
  input: RetentionPolicyInput,
): Promise<RetentionPolicyView> {
  const wanted = Object.entries(input).map(([kind, years]) => ({ kind, years: years ?? null }));
  await db.query(
    `WITH wanted AS (
       SELECT w->>'kind' AS kind, (w->>'years')::smallint AS keep_years FROM jsonb_array_elements(:wanted) w),
     before AS (SELECT p.* FROM retention_policy p JOIN wanted USING (kind)),
     changed AS (
       INSERT INTO retention_policy (kind, keep_years, updated_by)
       SELECT kind, keep_years, :auditActor FROM wanted
       ON CONFLICT (kind) DO UPDATE SET keep_years = EXCLUDED.keep_years, updated_by = EXCLUDED.updated_by, updated_at = now()
        WHERE retention_policy.keep_years IS DISTINCT FROM EXCLUDED.keep_years
       RETURNING *),
     ${auditEntry({ action: 'set', entity: 'retention-policy', before: 'before', after: 'changed', key: ['kind'], rows: 'many' })}
     SELECT count(*)::int AS changed FROM changed`,
    { wanted: typed.json(wanted) },
  );
  return readRetentionPolicy(db);
}
