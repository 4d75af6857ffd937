import { createHash, randomBytes } from 'node:crypto';
import { fullScope, type IntegrationScopeName } from '../../lambdas/shared/integration-scopes';

/** A browser's cookie jar, enough for one origin. */
class Cookies {
  private readonly jar = new Map<string, string>();
  take(response: Response): Response {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, value] = pair!.split('=');
      this.jar.set(name!, value ?? '');
    }
    return response;
  }
  get header(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const base64url = (buffer: Buffer) => buffer.toString('base64url');

/** The authorization code flow with PKCE, as the web app's OIDC client runs it, up to the redirect back. */
export async function authorizationCodeFlow(
  baseUrl: string,
  username: string,
  password: string,
  options: { pkce?: boolean } = {},
) {
  const cookies = new Cookies();
  const verifier = base64url(randomBytes(32));
  const config = (await (await fetch(`${baseUrl}/config.json`)).json()) as {
    authority: string;
    clientId: string;
    redirectUri: string;
  };
  const discovery = (await (await fetch(`${config.authority}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const authorize = new URL(discovery.authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'state-1',
    ...(options.pkce === false
      ? {}
      : { code_challenge: base64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256' }),
  }).toString();

  const go = async (url: string, init: RequestInit = {}) =>
    cookies.take(
      await fetch(new URL(url, baseUrl), {
        ...init,
        redirect: 'manual',
        headers: { ...(init.headers as Record<string, string>), cookie: cookies.header },
      }),
    );
  let response = await go(authorize.href);
  // An error goes straight back to the app.
  if (response.status !== 303 || response.headers.get('location')!.startsWith(config.redirectUri)) {
    return { response, config, discovery, verifier };
  }
  const signInUrl = response.headers.get('location')!;
  const form = await go(signInUrl);
  response = await go(signInUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  // The provider resumes the authorization, then redirects to the app with a code.
  while (response.status === 303 && !response.headers.get('location')!.startsWith(config.redirectUri)) {
    response = await go(response.headers.get('location')!);
  }
  return { response, form, config, discovery, verifier };
}

export async function token(endpoint: string, params: Record<string, string>) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Signs a user in on the local issuer as the web app does, and returns the access token. */
export async function accessTokenFor(baseUrl: string, username: string, password: string): Promise<string> {
  const { response, config, discovery, verifier } = await authorizationCodeFlow(baseUrl, username, password);
  const code = new URL(response.headers.get('location') ?? '', baseUrl).searchParams.get('code');
  if (!code) throw new Error(`Sign-in of ${username} failed with HTTP ${response.status}.`);
  const tokens = await token(discovery.token_endpoint, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: config.redirectUri,
    client_id: config.clientId,
    code_verifier: verifier,
  });
  return tokens.body.access_token!;
}

/**
 * An integration's client-credentials grant at the token endpoint (Cognito's `/oauth2/token`,
 * the local issuer's here), the secret in HTTP Basic as Cognito takes it.
 */
export async function clientCredentialsGrant(
  baseUrl: string,
  clientId: string,
  secret: string,
  scopes: readonly IntegrationScopeName[],
): Promise<{ status: number; body: { access_token?: string; scope?: string; error?: string } }> {
  const response = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: scopes.map(fullScope).join(' ') }),
  });
  return { status: response.status, body: (await response.json()) as { access_token?: string } };
}
