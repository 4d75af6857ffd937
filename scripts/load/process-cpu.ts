import { globSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const tickMs = 10;

interface ProcessTimes {
  readonly pid: number;
  readonly parent: number;
  /** Its own CPU, plus that of the children it has already reaped. */
  readonly cpuMs: number;
}

function timesOf(pid: number): ProcessTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: fields are counted after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    return { pid, parent: Number(fields[1]), cpuMs: (utime! + stime! + cutime! + cstime!) * tickMs };
  } catch {
    return undefined;
  }
}

/**
 * CPU used so far by the PostgreSQL servers whose data directories lie under `stateDir`:
 * each postmaster with its backends, live or ended. Undefined where there is no `/proc`.
 */
export function postgresCpuMs(stateDir: string): number | undefined {
  const roots = globSync('**/postmaster.pid', { cwd: stateDir }).map((file) =>
    Number(readFileSync(join(stateDir, file), 'utf8').split('\n')[0]),
  );
  let processes: ProcessTimes[];
  try {
    processes = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => timesOf(Number(name)))
      .filter((times) => times !== undefined);
  } catch {
    return undefined;
  }
  const inTree = new Set(roots);
  // Backends are direct children of their postmaster.
  return processes.filter((p) => inTree.has(p.pid) || inTree.has(p.parent)).reduce((sum, p) => sum + p.cpuMs, 0);
}
