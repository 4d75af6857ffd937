import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, projectVersion } from '../lib/project';
import { startLocalGateway } from './gateway/local-gateway';

/**
 * `npm start`: Campus Cloud on this machine, no AWS account. Serves the web app and the
 * API from the route manifest on one port, as CloudFront does on AWS.
 */
const port = Number(process.env.PORT ?? 3000);
const webDir = join(projectRoot, 'web', 'dist');
if (!existsSync(join(webDir, 'index.html'))) {
  console.error('The web app is not built: run `npm run build:web` (npm start does this first).');
  process.exit(1);
}

// The variables SchoolFunction sets on AWS, with local values.
Object.assign(process.env, {
  CAMPUS_STAGE: 'local',
  CAMPUS_VERSION: projectVersion,
  POWERTOOLS_SERVICE_NAME: 'campus-api',
  POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  // No X-Ray daemon or CloudWatch here: traces off, metrics not emitted.
  POWERTOOLS_TRACE_ENABLED: 'false',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

try {
  const gateway = await startLocalGateway({ port, host: '0.0.0.0', projectRoot, webDir });
  console.log(`ready at ${gateway.url}`);
  const stop = (signal: string) => {
    console.log(`${signal}: shutting down`);
    gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Stop what is using it, or run with PORT=<another port> npm start.`);
    process.exit(1);
  }
  throw error;
}
