import { afterEach, beforeEach, vi } from 'vitest';

/**
 * What the test file's handlers write to stdout and stderr (Powertools' logs and embedded
 * metrics) and warn about, captured in each test instead of printed; read it with the getter.
 */
export function useCapturedOutput(): () => string[] {
  let written: string[] = [];
  beforeEach(() => {
    written = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void written.push(args.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void written.push(args.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  return () => written;
}
