import { useApp, useResource } from '../app-context';
import type { ApiClient } from './client';
import type { Page } from './types';

/** A school's small reference lists (classes, subjects, terms…) as forms and filters offer them. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

const cache = new Map<string, Promise<Named[]>>();

/** Every item of a short list, read once per page load (up to the API's page size of 200). */
function loadAll(api: ApiClient, path: string): Promise<Named[]> {
  let pending = cache.get(path);
  if (!pending) {
    pending = api.get<Page<Named>>(path, { query: { limit: 200 } }).then((page) => page.items);
    pending.catch(() => cache.delete(path));
    cache.set(path, pending);
  }
  return pending;
}

/** Forget a list after changing it, so the next form reads it fresh. */
export function forgetLookup(path: string): void {
  cache.delete(path);
}

export function useLookup<T extends Named = Named>(
  path: '/api/classes' | '/api/subjects' | '/api/terms' | '/api/grade-levels' | '/api/academic-years',
) {
  const { api } = useApp();
  const [resource] = useResource(() => loadAll(api, path) as Promise<T[]>, [path]);
  return resource.status === 'ready' ? resource.data : undefined;
}

export interface Term extends Named {
  readonly academicYearId: string;
  readonly startsOn: string;
  readonly endsOn: string;
}

/** The term under way on `today`, or else the latest that has started, or else the first. */
export function currentTerm(terms: readonly Term[] | undefined, today: string): Term | undefined {
  if (!terms?.length) return undefined;
  const started = terms.filter((term) => term.startsOn <= today).sort((a, b) => b.startsOn.localeCompare(a.startsOn));
  return started.find((term) => today <= term.endsOn) ?? started[0] ?? terms[0];
}

/** The school's terms, and the one under way (what term pickers start on). */
export function useTerms(): { terms: Term[] | undefined; current: Term | undefined } {
  const { format } = useApp();
  const terms = useLookup<Term>('/api/terms');
  return { terms, current: currentTerm(terms, format.today()) };
}
