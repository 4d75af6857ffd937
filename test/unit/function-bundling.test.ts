import { execFileSync, execSync } from 'node:child_process';
import { globSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { functionBuildOptions, standardFontsCommand } from '../../lib/constructs/function-bundling';
import { projectRoot } from '../../lib/project';

const dir = mkdtempSync(join(tmpdir(), 'campus-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Builds a function as every function is built, into `outputDir` as Lambda unpacks it: the
 * bundle, and what the CDK hook puts beside it.
 */
async function bundleInto(outputDir: string, source: Pick<BuildOptions, 'entryPoints' | 'stdin'>): Promise<string> {
  await build({ ...functionBuildOptions(), ...source, outfile: join(outputDir, 'index.js'), logLevel: 'silent' });
  execSync(standardFontsCommand(outputDir), { shell: '/bin/bash' });
  return outputDir;
}

/** A bundle of `source` (TypeScript, as if in `lambdas/`) alone in a directory of its own, with no node_modules. */
const bundle = (name: string, source: string) =>
  bundleInto(join(dir, name), { stdin: { contents: source, resolveDir: join(projectRoot, 'lambdas'), loader: 'ts' } });

describe('function bundles, run as Lambda runs them', () => {
  it('draws a PDF from a bundle alone in its directory, with pdfkit’s standard fonts, which it loads by a path esbuild cannot follow', async () => {
    const outputDir = await bundle(
      'fee-statement',
      `import { renderFeeStatement } from './reports/report-pdfs';
       const school = { name: 'Demo High', locale: 'en-GB', currency: 'GBP', timezone: 'Europe/London',
         gradingScale: [{ grade: 'A', minPercent: 70 }, { grade: 'F', minPercent: 0 }], passMarkPercent: 40, atRiskThreshold: 0.5 };
       const statement = { admissionNo: 'A1', name: 'Ada Lovelace', className: '7-1', guardians: ['Anne Lovelace'],
         invoices: [{ fee: 'Tuition', issuedOn: '2026-09-01', dueOn: '2026-09-30', amountMinor: 120000 }],
         payments: [{ receiptNo: 1, paidOn: '2026-09-10', method: 'card', amountMinor: 50000 }] };
       renderFeeStatement(school, statement, '2026-11-27').then((r) => process.stdout.write(JSON.stringify({ pages: r.pages, head: r.pdf.subarray(0, 5).toString(), bytes: r.pdf.length })));`,
    );
    const out = JSON.parse(
      execFileSync(process.execPath, [join(outputDir, 'index.js')], { cwd: outputDir, encoding: 'utf8' }),
    );
    expect(out).toMatchObject({ pages: 1, head: '%PDF-' });
    expect(out.bytes).toBeGreaterThan(1000);
  });

  it('adds nothing beside a bundle that does not use pdfkit', async () => {
    const outputDir = await bundle('plain', `process.stdout.write('ok');`);
    expect(execFileSync('ls', [outputDir], { encoding: 'utf8' }).trim()).toBe('index.js');
  });

  it('loads every handler module’s bundle in a fresh Node.js process, the SDK coming from outside it as on Lambda', async () => {
    // Inside the project, so `@aws-sdk/*` resolves from node_modules as it does from the runtime.
    const root = mkdtempSync(join(projectRoot, 'node_modules', '.campus-bundle-test-'));
    try {
      const entries = globSync('lambdas/**/*.handler.ts', { cwd: projectRoot });
      expect(entries.length).toBeGreaterThan(20);
      const failures: string[] = [];
      for (const entry of entries) {
        const outputDir = await bundleInto(join(root, entry.replace(/[/.]/g, '_')), {
          entryPoints: [join(projectRoot, entry)],
        });
        try {
          execFileSync(process.execPath, ['-e', `require(${JSON.stringify(join(outputDir, 'index.js'))}).handler`], {
            env: { ...process.env, CAMPUS_STAGE: 'test', CAMPUS_VERSION: '0', AWS_REGION: 'eu-west-1' },
            stdio: 'pipe',
          });
        } catch (error) {
          failures.push(`${entry}: ${String((error as { stderr?: Buffer }).stderr).slice(0, 300)}`);
        }
      }
      expect(failures).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
