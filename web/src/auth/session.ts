import type * as oidcLibrary from 'oidc-client-ts';
import type { User, UserManager } from 'oidc-client-ts';

type OidcLibrary = typeof oidcLibrary;
import type { WebConfig } from '../config';
import { safeReturnTo } from './return-to';
import { signOutParameters, storedSession, userManagerSettings } from './settings';

export const callbackPath = '/auth/callback';

export interface Profile {
  readonly name: string;
  readonly email: string;
}

export type SessionState =
  | { readonly status: 'signed-in'; readonly profile: Profile }
  | { readonly status: 'signed-out'; readonly reason?: 'expired' | 'error'; readonly message?: string };

/** The signed-in user's tokens: sign-in, one refresh at a time, sign-out. */
export interface Session {
  readonly state: SessionState;
  /** A valid access token, refreshed first if it has expired; undefined when signed out. */
  accessToken(): Promise<string | undefined>;
  /** Refreshes now; concurrent callers share one request (a rotated refresh token can be used once). */
  refresh(): Promise<string | undefined>;
  signIn(returnTo?: string): Promise<void>;
  signOut(): Promise<void>;
  onChange(listener: (state: SessionState) => void): () => void;
}

function profileOf(claims: Record<string, unknown>): Profile {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const name =
    text(claims.name) ||
    [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ') ||
    text(claims.email);
  return { name, email: text(claims.email) };
}

/**
 * Runs once the first screen shows its data (or after 5 s): what can wait should not share the
 * first screen's bandwidth on a slow line.
 */
function afterFirstScreen(run: () => void): void {
  const root = document.documentElement;
  if (root.dataset.ready === 'true') return run();
  const observer = new MutationObserver(() => {
    if (root.dataset.ready !== 'true') return;
    observer.disconnect();
    clearTimeout(timer);
    run();
  });
  observer.observe(root, { attributes: true, attributeFilter: ['data-ready'] });
  const timer = setTimeout(() => {
    observer.disconnect();
    run();
  }, 5000);
}

/**
 * Starts the session: finishes a sign-in when the browser is on the callback path, otherwise
 * takes the stored user, refreshing once if its access token has already expired. A returning
 * tab whose token is still valid goes on at once, while the OIDC library (most of the
 * start-up JavaScript) loads in the background for renewal and sign-out.
 * Returns where the app should go (the page the user was on before signing in).
 */
export async function startSession(
  config: WebConfig,
  location: Pick<Location, 'pathname' | 'search'> = window.location,
): Promise<{ session: Session; navigateTo?: string }> {
  let managerPromise: Promise<{ manager: UserManager; oidc: OidcLibrary }> | undefined;
  const library = () =>
    (managerPromise ??= import('oidc-client-ts').then((oidc) => {
      const manager = new oidc.UserManager(
        userManagerSettings(config, new oidc.WebStorageStateStore({ store: window.sessionStorage })),
      );
      manager.events.addAccessTokenExpiring(() => void refresh());
      return { manager, oidc };
    }));

  let user: Pick<User, 'access_token' | 'expired' | 'refresh_token' | 'id_token'> | null = null;
  let state: SessionState = { status: 'signed-out' };
  let inFlight: Promise<string | undefined> | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener(state);
  };
  const signedIn = (next: User) => {
    user = next;
    set({ status: 'signed-in', profile: profileOf(next.profile) });
  };

  const refresh = (): Promise<string | undefined> => {
    inFlight ??= (async () => {
      const { manager } = await library();
      try {
        if (!user?.refresh_token) throw new Error('no refresh token');
        const renewed = await manager.signinSilent();
        if (!renewed) throw new Error('refresh returned no user');
        signedIn(renewed);
        return renewed.access_token;
      } catch {
        user = null;
        await manager.removeUser();
        set({ status: 'signed-out', reason: 'expired' });
        return undefined;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  let navigateTo: string | undefined;
  const fast =
    location.pathname === callbackPath ? undefined : storedSession(window.sessionStorage, config, Date.now() / 1000);
  if (fast) {
    // The stored token stands in until the library has read the user itself.
    user = { access_token: fast.accessToken, expired: false, refresh_token: undefined, id_token: undefined };
    set({ status: 'signed-in', profile: profileOf(fast.profile) });
    afterFirstScreen(
      () =>
        void library().then(async ({ manager }) => {
          const stored = await manager.getUser();
          if (stored) user = stored;
        }),
    );
  } else if (location.pathname === callbackPath) {
    const { manager, oidc } = await library();
    try {
      const signedInUser = await manager.signinRedirectCallback();
      signedIn(signedInUser);
      navigateTo = safeReturnTo(signedInUser.state);
    } catch (error) {
      // A reloaded or bookmarked callback has no matching state: start again from the home page.
      const message =
        error instanceof oidc.ErrorResponse ? (error.error_description ?? error.error ?? undefined) : undefined;
      set({ status: 'signed-out', ...(message ? { reason: 'error' as const, message } : {}) });
      navigateTo = '/';
    }
  } else {
    const { manager } = await library();
    const stored = await manager.getUser();
    user = stored;
    if (stored && !stored.expired) signedIn(stored);
    else if (stored?.refresh_token) await refresh();
    else if (stored) await manager.removeUser();
  }

  const session: Session = {
    get state() {
      return state;
    },
    async accessToken() {
      if (!user) return undefined;
      if (user.expired) return refresh();
      return user.access_token;
    },
    refresh,
    async signIn(returnTo = `${window.location.pathname}${window.location.search}`) {
      const { manager } = await library();
      await manager.signinRedirect({ state: { returnTo } });
    },
    async signOut() {
      const { manager } = await library();
      const idToken = (await manager.getUser())?.id_token;
      // Best effort: a revocation that fails must not keep the user signed in on this device.
      await manager.revokeTokens(['refresh_token']).catch(() => undefined);
      user = null;
      await manager.signoutRedirect({ extraQueryParams: signOutParameters(config, idToken) });
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { session, ...(navigateTo ? { navigateTo } : {}) };
}
