/** Where to go after sign-in: only a path on this site, never another origin (`//evil.example`). */
export function safeReturnTo(state: unknown): string {
  const returnTo = state && typeof state === 'object' ? (state as { returnTo?: unknown }).returnTo : undefined;
  if (typeof returnTo !== 'string' || !returnTo.startsWith('/') || returnTo.startsWith('//')) return '/';
  if (returnTo.startsWith('/auth/')) return '/';
  return returnTo;
}
