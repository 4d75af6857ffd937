import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Imports a handler module (a path relative to the project root) and returns its `handler`, as Lambda would. */
export async function loadHandler<H>(projectRoot: string, modulePath: string): Promise<H> {
  const module = (await import(pathToFileURL(join(projectRoot, modulePath)).href)) as { handler: H };
  return module.handler;
}
