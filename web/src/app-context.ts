import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { type ApiClient, ApiError } from './api/client';
import type { Me, SchoolSettings } from './api/types';
import type { Session } from './auth/session';
import type { Formatters } from './format';
import type { LiveInbox } from './notifications/live-inbox';
import type { AttendanceOutbox } from './offline/attendance-outbox';

export type Role = Me['roles'][number];

/** What every screen may use: the API, who is signed in, their school's settings and formatters. */
export interface AppServices {
  readonly api: ApiClient;
  readonly session: Session;
  readonly me: Me;
  /** Undefined for a platform operator, who belongs to no school. */
  readonly settings: SchoolSettings | undefined;
  readonly format: Formatters;
  /** Attendance saved while offline, waiting to be sent. */
  readonly outbox: AttendanceOutbox;
  /** The person's inbox, live while the app is open; none for a platform operator, who has no school. */
  readonly inbox: LiveInbox | undefined;
  /** Shows a short confirmation (saved, queued) in the page's live region. */
  readonly notify: (message: string) => void;
}

export const AppContext = createContext<AppServices | undefined>(undefined);

export function useApp(): AppServices {
  const services = useContext(AppContext);
  if (!services) throw new Error('useApp outside the app');
  return services;
}

export function hasRole(me: Me, ...roles: Role[]): boolean {
  return me.roles.some((role) => roles.includes(role));
}

export type Resource<T> =
  | { readonly status: 'loading'; readonly data?: T }
  | { readonly status: 'ready'; readonly data: T }
  | { readonly status: 'error'; readonly error: Error; readonly data?: T };

/**
 * Loads what `load` returns and reloads when `key` changes; a later load wins over an earlier one
 * still in flight, so fast typing in a search box cannot show stale results.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, key: unknown[]): [Resource<T>, () => void] {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const previous = useRef<T | undefined>(undefined);
  useEffect(() => {
    const controller = new AbortController();
    setResource({ status: 'loading', ...(previous.current !== undefined ? { data: previous.current } : {}) });
    load(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        previous.current = data;
        setResource({ status: 'ready', data });
      },
      (error: Error) => {
        if (controller.signal.aborted) return;
        setResource({ status: 'error', error });
      },
    );
    return () => controller.abort();
  }, [...key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [resource, reload];
}

/** A GET through the API client, reloaded when the path or query changes. */
export function useApiGet<T>(path: string | undefined, query?: Record<string, string | number | undefined>) {
  const { api } = useApp();
  return useResource<T | undefined>(
    (signal) => (path ? api.get<T>(path, { ...(query ? { query } : {}), signal }) : Promise.resolve(undefined)),
    [path, JSON.stringify(query ?? {})],
  );
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
