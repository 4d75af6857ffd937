import { ErrorResponse, type User, UserManager } from 'oidc-client-ts';
import type { WebConfig } from '../config';
import { safeReturnTo } from './return-to';
import { signOutParameters, userManagerSettings } from './settings';

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

function profileOf(user: User): Profile {
  const claims = user.profile;
  const name = (claims.name ?? [claims.given_name, claims.family_name].filter(Boolean).join(' ')) || claims.email || '';
  return { name, email: claims.email ?? '' };
}

/**
 * Starts the session: finishes a sign-in when the browser is on the callback path, otherwise
 * loads the stored user, refreshing once if its access token has already expired.
 * Returns where the app should go (the page the user was on before signing in).
 */
export async function startSession(
  config: WebConfig,
  location: Pick<Location, 'pathname' | 'search'> = window.location,
): Promise<{ session: Session; navigateTo?: string }> {
  const manager = new UserManager(userManagerSettings(config, window.sessionStorage));
  let user: User | null = null;
  let state: SessionState = { status: 'signed-out' };
  let inFlight: Promise<string | undefined> | undefined;
  const listeners = new Set<(state: SessionState) => void>();
  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener(state);
  };
  const signedIn = (next: User) => {
    user = next;
    set({ status: 'signed-in', profile: profileOf(next) });
  };

  const refresh = (): Promise<string | undefined> => {
    inFlight ??= (async () => {
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

  manager.events.addAccessTokenExpiring(() => void refresh());

  let navigateTo: string | undefined;
  if (location.pathname === callbackPath) {
    try {
      const signedInUser = await manager.signinRedirectCallback();
      signedIn(signedInUser);
      navigateTo = safeReturnTo(signedInUser.state);
    } catch (error) {
      // A reloaded or bookmarked callback has no matching state: start again from the home page.
      const message =
        error instanceof ErrorResponse ? (error.error_description ?? error.error ?? undefined) : undefined;
      set({ status: 'signed-out', ...(message ? { reason: 'error' as const, message } : {}) });
      navigateTo = '/';
    }
  } else {
    user = await manager.getUser();
    if (user && !user.expired) signedIn(user);
    else if (user?.refresh_token) await refresh();
    else if (user) await manager.removeUser();
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
      await manager.signinRedirect({ state: { returnTo } });
    },
    async signOut() {
      const idToken = user?.id_token;
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
