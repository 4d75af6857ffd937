import { useEffect, useState } from 'preact/hooks';
import { useApp, useResource } from '../app-context';
import type { ApiClient } from './client';
import type { Page } from './types';

/** A school's small reference lists (classes, subjects, terms…) as forms and filters offer them. */
export interface Named {
  readonly id: string;
  readonly name: string;
}

export type LookupPath =
  '/api/v1/classes' | '/api/v1/subjects' | '/api/v1/terms' | '/api/v1/grade-levels' | '/api/v1/academic-years';

const cache = new Map<LookupPath, Promise<Named[]>>();
/** Bumped when a list is forgotten, so every screen showing it reads it again. */
const generations = new Map<LookupPath, number>();
const listeners = new Set<() => void>();

/** Every item of a short list, read once per page load (up to the API's page size of 200). */
function loadAll(api: ApiClient, path: LookupPath): Promise<Named[]> {
  let pending = cache.get(path);
  if (!pending) {
    pending = api.get<Page<Named>>(path, { query: { limit: 200 } }).then((page) => page.items);
    pending.catch(() => cache.delete(path));
    cache.set(path, pending);
  }
  return pending;
}

/** Forget a list after changing it: the screens using it read it fresh, and so does the next form. */
export function forgetLookup(path: LookupPath): void {
  cache.delete(path);
  generations.set(path, (generations.get(path) ?? 0) + 1);
  for (const listener of listeners) listener();
}

export function useLookup<T extends Named = Named>(path: LookupPath) {
  const { api } = useApp();
  const [, setGeneration] = useState(0);
  useEffect(() => {
    const listener = () => setGeneration(generations.get(path) ?? 0);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, [path]);
  const [resource] = useResource(() => loadAll(api, path) as Promise<T[]>, [path, generations.get(path) ?? 0]);
  // While a forgotten list is read again, the screen keeps showing the one it had.
  return resource.data;
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
  const terms = useLookup<Term>('/api/v1/terms');
  return { terms, current: currentTerm(terms, format.today()) };
}
