import type { UserManagerSettings } from 'oidc-client-ts';
import type { WebConfig } from '../config';

/** Scopes both issuers accept: Cognito refuses `offline_access` and issues a refresh token anyway. */
export const signInScopes = 'openid email profile';

/**
 * One client for Cognito and the local issuer. Tokens live in sessionStorage: per tab and gone
 * with it, so two tabs never race to use the same rotating refresh token. Renewal is ours
 * (one refresh at a time, see session.ts) rather than the library's timer.
 */
export function userManagerSettings(
  config: WebConfig,
  userStore: UserManagerSettings['userStore'],
): UserManagerSettings {
  const hosted = config.signInDomain ? `https://${config.signInDomain}` : undefined;
  return {
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    post_logout_redirect_uri: config.postLogoutRedirectUri,
    scope: signInScopes,
    userStore,
    automaticSilentRenew: false,
    revokeTokenTypes: ['refresh_token'],
    // Cognito's sign-out and revocation are on its hosted domain, not in the pool's discovery document.
    ...(hosted
      ? { metadataSeed: { end_session_endpoint: `${hosted}/logout`, revocation_endpoint: `${hosted}/oauth2/revoke` } }
      : {}),
  };
}

/**
 * Extra sign-out parameters. Cognito's /logout wants `client_id` and `logout_uri`; the library
 * sends `client_id` itself only when it has no ID token, and the local issuer refuses it twice.
 */
export function signOutParameters(config: WebConfig, idToken: string | undefined): Record<string, string> {
  return { logout_uri: config.postLogoutRedirectUri, ...(idToken ? { client_id: config.clientId } : {}) };
}

/**
 * Where the library keeps the signed-in user in sessionStorage (`oidc.` + `user:<authority>:<client_id>`),
 * so a returning tab can call the API before the library itself has loaded. A test holds
 * this to what the library writes.
 */
export function storedUserKey(config: Pick<WebConfig, 'authority' | 'clientId'>): string {
  return `oidc.user:${config.authority}:${config.clientId}`;
}

/** The stored user's access token and profile, if it is there and still valid for `marginSeconds`. */
export function storedSession(
  storage: Pick<Storage, 'getItem'>,
  config: Pick<WebConfig, 'authority' | 'clientId'>,
  nowSeconds: number,
  marginSeconds = 30,
): { accessToken: string; profile: Record<string, unknown> } | undefined {
  try {
    const stored = JSON.parse(storage.getItem(storedUserKey(config)) ?? 'null') as {
      access_token?: unknown;
      expires_at?: unknown;
      profile?: unknown;
    } | null;
    if (!stored || typeof stored.access_token !== 'string' || typeof stored.expires_at !== 'number') return undefined;
    if (stored.expires_at - marginSeconds <= nowSeconds) return undefined;
    return { accessToken: stored.access_token, profile: (stored.profile ?? {}) as Record<string, unknown> };
  } catch {
    return undefined;
  }
}
