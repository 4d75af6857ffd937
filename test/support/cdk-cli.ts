import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project';

/** The environment of a machine with no AWS credentials or profile at all. */
export function envWithoutAwsCredentials(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_')) env[key] = value;
  }
  return {
    ...env,
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_VERSION_CHECK: '1',
  };
}

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the project's pinned CDK CLI, as `npm run synth` does, with no AWS credentials. */
export function runCdk(args: string[]): CliRun {
  const started = performance.now();
  const result = spawnSync(join(projectRoot, 'node_modules', '.bin', 'cdk'), args, {
    cwd: projectRoot,
    env: {
      ...envWithoutAwsCredentials(),
      // Scripts and `npx` in cdk.json find the project's Node 22 first, as under `npm run`.
      PATH: `${join(projectRoot, 'node_modules', '.bin')}:${process.env.PATH}`,
    },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (performance.now() - started) / 1000,
  };
}
