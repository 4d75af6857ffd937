import { useEffect, useState } from 'preact/hooks';

/** `/students/:studentId` against `/students/1a2b` → `{ studentId: '1a2b' }`; undefined if it does not match. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const actual = have[i]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(actual);
    else if (segment !== actual) return undefined;
  }
  return params;
}

const changeEvent = 'campus:navigate';

/** Moves to an app path without a page load (links, redirects after a save). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (`${location.pathname}${location.search}` === to) return;
  history[options.replace ? 'replaceState' : 'pushState'](null, '', to);
  window.dispatchEvent(new Event(changeEvent));
}

export interface Location {
  readonly pathname: string;
  readonly search: URLSearchParams;
}

function current(): Location {
  return { pathname: location.pathname, search: new URLSearchParams(location.search) };
}

/** The current path and query; re-renders on navigation and on the browser's back and forward. */
export function useLocation(): Location {
  const [value, setValue] = useState(current);
  useEffect(() => {
    const update = () => setValue(current());
    window.addEventListener('popstate', update);
    window.addEventListener(changeEvent, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(changeEvent, update);
    };
  }, []);
  return value;
}

/** Replaces the query string (filters, paging) so a reload or a shared link shows the same list. */
export function setQuery(values: Record<string, string | undefined>): void {
  const params = new URLSearchParams(location.search);
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '') params.delete(key);
    else params.set(key, value);
  }
  const search = params.toString();
  navigate(`${location.pathname}${search ? `?${search}` : ''}`, { replace: true });
}

/** Same-origin link clicks become app navigation (one listener for the whole app). */
export function interceptLinks(root: HTMLElement): () => void {
  const onClick = (event: MouseEvent) => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    const anchor = (event.target as Element).closest?.('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== location.origin) return;
    if (anchor.pathname.startsWith('/api/') || anchor.pathname.startsWith('/oauth2')) return;
    event.preventDefault();
    navigate(`${anchor.pathname}${anchor.search}`);
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
