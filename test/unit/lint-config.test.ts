import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project';

/**
 * The project's lint configuration, run as CI runs it (`npm run lint`), on code written into
 * real files of the project (in memory only): each deliberate wrong import, and each bug the
 * typed rules are there for, fails it; the right imports pass.
 */
let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: projectRoot });
});

/** The rules that fire for `code` written as the project's file `file`. */
async function firing(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(projectRoot, file) });
  const fatal = result!.messages.filter((message) => message.fatal);
  expect(fatal.map((message) => message.message)).toEqual([]);
  return result!.messages.map((message) => message.ruleId!);
}

const boundaries = 'campus/import-boundaries';

describe('the lint configuration', () => {
  it('refuses a function module that imports the local platform, the CDK app, a script or a test', async () => {
    for (const target of [
      '../../../local/platform',
      '../../../lib/config',
      '../../../scripts/bench-api',
      '../../../test/support/app',
    ]) {
      expect(await firing('lambdas/api/students/students.ts', `export * from '${target}';\n`), target).toContain(
        boundaries,
      );
    }
  });

  it("refuses a context that imports another's code, and lambdas/shared importing any context", async () => {
    expect(
      await firing('lambdas/api/students/students.ts', "export * from '../../scoring/at-risk-model';\n"),
    ).toContain(boundaries);
    expect(await firing('lambdas/shared/data-api.ts', "export * from '../api/routes';\n")).toContain(boundaries);
    // The API's own domains, and lambdas/shared, are inside the boundary.
    expect(
      await firing(
        'lambdas/api/students/students.ts',
        "export * from '../exports/export.schemas';\nexport * from '../../shared/http';\n",
      ),
    ).not.toContain(boundaries);
  });

  it("lets the web app import only the API's types, and only as types", async () => {
    const file = 'web/src/format.ts';
    expect(await firing(file, "export * from '../../lambdas/api/students/student.schemas';\n")).toContain(boundaries);
    expect(await firing(file, "export { type Student } from '../../lambdas/api/api-types';\n")).not.toContain(
      boundaries,
    );
    expect(await firing(file, "export * from '../../lambdas/api/api-types';\n")).toContain(boundaries);
    expect(await firing(file, "export * from '../../lib/edge/content-security-policy';\n")).toContain(boundaries);
  });

  it('keeps the API types module free of runtime code', async () => {
    const file = 'lambdas/api/api-types.ts';
    expect(await firing(file, "export type { Student } from './students/student.schemas';\n")).not.toContain(
      boundaries,
    );
    expect(await firing(file, "export { student } from './students/student.schemas';\n")).toContain(boundaries);
    expect(await firing(file, 'export const version = 1;\n')).toContain(boundaries);
  });

  it("lets the CDK app read lambdas' definitions, never their handler code (types aside)", async () => {
    const file = 'lib/stacks/batch.stack.ts';
    expect(await firing(file, "export * from '../../lambdas/shared/data-api';\n")).toContain(boundaries);
    expect(await firing(file, "export * from '../../local/platform';\n")).toContain(boundaries);
    expect(
      await firing(
        file,
        "export * from '../../lambdas/shared/queues';\nexport type { DataApiSession } from '../../lambdas/shared/data-api';\n",
      ),
    ).not.toContain(boundaries);
  });

  it('keeps the scripts run against real stages off the local platform and the tests', async () => {
    const file = 'scripts/workflows/onboard.ts';
    expect(await firing(file, "export * from '../../local/platform';\n")).toContain(boundaries);
    expect(await firing(file, "export * from '../../test/support/app';\n")).toContain(boundaries);
    // Benchmarks run on the local platform.
    expect(await firing('scripts/bench-api.ts', "export * from '../local/platform';\n")).not.toContain(boundaries);
  });

  it('builds every function with the one middy stack: middy itself is imported only there', async () => {
    expect(await firing('lambdas/scoring/rescore-classes.handler.ts', "export * from '@middy/core';\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('fails a promise nobody awaits and an async callback where a plain one is expected (typed rules)', async () => {
    const rules = await firing(
      'lambdas/shared/http.ts',
      'const later = async () => 1;\nlater();\nsetTimeout(async () => later(), 1);\nexport {};\n',
    );
    expect(rules).toContain('@typescript-eslint/no-floating-promises');
    expect(rules).toContain('@typescript-eslint/no-misused-promises');
  });
});
