import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project';

/** Where each version's published OpenAPI document is committed: the contract its clients hold. */
export const publishedDocumentFile = (version: string) =>
  join(projectRoot, 'lambdas', 'api', 'docs', 'published', `${version}.openapi.json`);

export function readPublishedDocument(version: string): Record<string, unknown> | undefined {
  const file = publishedDocumentFile(version);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

/** As committed: two-space JSON with a final newline, so a recorded addition is a readable diff. */
export const documentText = (document: unknown) => `${JSON.stringify(document, null, 2)}\n`;
