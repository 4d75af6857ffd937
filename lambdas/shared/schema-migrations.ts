import { type Migration, schoolMigrations } from '../../layers/migrations';
import type { DataApiSession } from './data-api';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

/**
 * Brings a school database to the latest schema: each pending migration in its own
 * transaction, under an advisory lock and with the version re-read inside it, so two
 * runners at once (a retry, a fleet wave) apply each migration exactly once. The version
 * is recorded in the database (`schema_migrations`); callers record it in the directory.
 */
export async function migrateSchoolDatabase(
  session: DataApiSession,
  migrations: readonly Migration[] = schoolMigrations,
): Promise<MigrationResult> {
  await session.execute(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`,
  );
  const versionNow = async () =>
    (await session.query<{ version: number }>('SELECT coalesce(max(version), 0) AS version FROM schema_migrations'))[0]!
      .version;
  const from = await versionNow();
  const applied: number[] = [];
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    const ran = await session.transaction(async () => {
      // Serialises runners on this database; released at commit or rollback.
      await session.query("SELECT pg_advisory_xact_lock(hashtext('schema_migrations'))");
      if ((await versionNow()) >= migration.version) return false;
      for (const statement of migration.statements) await session.execute(statement);
      await session.execute('INSERT INTO schema_migrations (version, name) VALUES (:version, :name)', {
        version: migration.version,
        name: migration.name,
      });
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return { from, to: Math.max(from, ...migrations.map((m) => m.version)), applied };
}
