/**
 * `npm run openapi`: compares each served API version's OpenAPI document, generated from the
 * route declarations, with the one published for it, and lists what changed. A breaking change
 * fails (it belongs in the next version, served beside this one). `npm run openapi -- --record`
 * records additions into the published document; it refuses to record a breaking change.
 */
import { writeFileSync } from 'node:fs';
import { apiVersions } from '../../lambdas/api/api-versions';
import { openApiDocument } from '../../lambdas/api/docs/openapi';
import { apiChanges } from './breaking-changes';
import { documentText, publishedDocumentFile, readPublishedDocument } from './published-documents';

const record = process.argv.includes('--record');
let failed = false;
for (const { version, status } of apiVersions) {
  if (status === 'retired') continue;
  const generated = openApiDocument(version);
  const published = readPublishedDocument(version);
  if (!published) {
    writeFileSync(publishedDocumentFile(version), documentText(generated));
    console.log(`${version}: first publication written to ${publishedDocumentFile(version)}`);
    continue;
  }
  const { breaking, additions } = apiChanges(published, generated);
  console.log(`${version}: ${breaking.length} breaking change(s), ${additions.length} addition(s)`);
  for (const change of breaking) console.log(`  BREAKING ${change}`);
  for (const change of additions) console.log(`  added    ${change}`);
  if (breaking.length) {
    failed = true;
    console.log(`  ${version} is published: declare the changed routes under the next version instead.`);
  } else if (record && documentText(generated) !== documentText(published)) {
    writeFileSync(publishedDocumentFile(version), documentText(generated));
    console.log(`  recorded in ${publishedDocumentFile(version)}`);
  }
}
process.exitCode = failed ? 1 : 0;
