import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, jwtVerify } from 'jose';
import { LRUCache } from 'lru-cache';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { shapeClientCredentialsClaims } from '../../lambdas/auth/token-claims';
import { fullScope, integrationScopeNames } from '../../lambdas/shared/integration-scopes';
import { IssuerStore } from './issuer-store';
import { signInPage, signOutPage } from './sign-in-page';
import { type LocalUser, LocalUserStore } from './user-store';

/** Where the issuer is mounted on the gateway: Cognito's hosted endpoints live under `/oauth2` too. */
export const issuerMountPath = '/oauth2';
/** The web app's client, as the web stack's user pool client on AWS. */
export const localWebClientId = 'campus-web';
/** Audience of access tokens: the API. */
const apiResource = 'urn:campus:api';
const apiScope = 'campus/api';
/** Every scope an integration's client may be given, by their full names (the user pool's resource servers on AWS). */
const integrationScopes = integrationScopeNames.map(fullScope);

/** An integration's OAuth client as the local Cognito admin calls make it: the client-credentials grant and its scopes. */
export interface LocalClientMetadata {
  readonly clientId: string;
  readonly clientName: string;
  /** Oldest first, at most two as in a user pool; the grant takes the newest (Cognito takes either). */
  readonly secrets: readonly { readonly id: string; readonly value: string; readonly createdAt: number }[];
  readonly scopes: readonly string[];
}

/** Which integration a client serves, as the token trigger reads it (the integration clients table). */
export type ClientLookup = (
  clientId: string,
) => Promise<{ schoolId: string; integrationId: string; status: 'active' | 'revoked' } | undefined>;

export interface LocalIssuerOptions {
  /** The gateway's origin, e.g. `http://localhost:3000`: the issuer is `${origin}/oauth2`. */
  readonly origin: string;
  /** Keys and users are kept here between runs. */
  readonly stateDir: string;
}

export interface LocalIssuer {
  readonly issuerUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  readonly users: LocalUserStore;
  /** Serves every request under the mount path. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Integrations' OAuth clients, which the local Cognito admin calls create, rotate and delete. */
  readonly clients: {
    save(client: LocalClientMetadata): Promise<void>;
    find(clientId: string): Promise<LocalClientMetadata | undefined>;
    delete(clientId: string): Promise<void>;
  };
  /** Where the token trigger finds which school and integration a client serves (set once the tables run). */
  setClientLookup(lookup: ClientLookup): void;
  /** Verifies an access or ID token as the HTTP API's JWT authorizer does; resolves to its claims. */
  readonly verifyToken: (token: string) => Promise<Record<string, string | string[]>>;
}

interface IssuerKeys {
  readonly signing: JWK;
  readonly cookies: string[];
}

/** Signing and cookie keys, created once and kept (0600), so tokens and sessions outlive a restart. */
async function loadKeys(file: string): Promise<IssuerKeys> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as IssuerKeys;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const keys: IssuerKeys = {
    signing: { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' },
    cookies: [randomBytes(32).toString('base64url')],
  };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

/** Tokens whose signature the gateway has checked, at most this many. */
const maxVerifiedTokens = 10_000;

function publicPart(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

/** The claims Cognito puts in tokens for a user of this platform. */
function claimsOf(user: LocalUser): Record<string, unknown> {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: true,
    name: user.name,
    'cognito:username': user.username,
    'cognito:groups': [...user.groups],
    ...(user.schoolId ? { 'custom:school_id': user.schoolId } : {}),
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The local stand-in for the Cognito user pool: an OpenID Connect provider
 * (oidc-provider) with the subset the web app uses — authorization code with PKCE,
 * refresh tokens, JWKS, revocation, logout — issuing JWT access tokens that carry
 * `cognito:groups`, `custom:school_id` and `client_id` as Cognito's do. Users sign in
 * on a local form; passwords are kept as scrypt hashes.
 */
export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const dir = join(options.stateDir, 'issuer');
  mkdirSync(dir, { recursive: true });
  const keys = await loadKeys(join(dir, 'keys.json'));
  const users = new LocalUserStore(join(dir, 'users.json'));
  const issuerUrl = `${options.origin}${issuerMountPath}`;
  const redirectUri = `${options.origin}/auth/callback`;
  const postLogoutRedirectUri = `${options.origin}/`;

  const store = new IssuerStore(join(dir, 'sessions.json'));
  const clientModel = store.adapterFactory('Client');
  let clientLookup: ClientLookup | undefined;

  const configuration: Configuration = {
    // The web app is served from the issuer's own origin; no other site may call its endpoints.
    clientBasedCORS: (_ctx, origin) => origin === options.origin,
    clients: [
      {
        client_id: localWebClientId,
        client_name: 'Campus Cloud',
        application_type: 'web',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        redirect_uris: [redirectUri],
        post_logout_redirect_uris: [postLogoutRedirectUri],
      },
    ],
    adapter: store.adapterFactory,
    // Integrations' clients keep their secrets as a user pool does (up to two); the grant takes the newest.
    extraClientMetadata: { properties: ['campus_secrets'] },
    jwks: { keys: [keys.signing] as never },
    cookies: { keys: keys.cookies },
    async findAccount(_ctx, sub) {
      const user = users.findBySub(sub);
      if (!user?.enabled) return undefined;
      return { accountId: sub, claims: async () => claimsOf(user) as never };
    },
    claims: {
      openid: ['sub', 'cognito:username', 'cognito:groups', 'custom:school_id'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: ['openid', 'offline_access', apiScope, ...integrationScopes],
    // Cognito puts the user's claims in the ID token of the code flow too.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      // Integrations' clients, as Cognito's app clients with the client-credentials grant.
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Our own page rather than the library's (which loads a web font from Google).
        logoutSource: async (ctx, form) => {
          ctx.type = 'html';
          ctx.body = signOutPage(form);
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => apiResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, _resource, client) => ({
          scope: client.clientId === localWebClientId ? apiScope : integrationScopes.join(' '),
          audience: apiResource,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    async extraTokenClaims(_ctx, token) {
      if (token.kind === 'ClientCredentials') {
        // What the user pool's token trigger (version 3) adds to an integration's token: its school and integration.
        const clientId = token.clientId!;
        const shaped = await shapeClientCredentialsClaims(
          {
            callerContext: { clientId, awsSdkVersion: 'local' },
            response: {},
          } as unknown as PreTokenGenerationV2TriggerEvent,
          async (id) => (clientLookup ? clientLookup(id) : undefined),
        );
        const added = shaped.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride;
        return { ...added, token_use: 'access' };
      }
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      const user = users.findBySub(token.accountId);
      if (!user) return undefined;
      const { email: _email, email_verified: _verified, name: _name, ...claims } = claimsOf(user);
      return { ...claims, token_use: 'access', username: user.username };
    },
    // Cognito issues a refresh token with every code exchange.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // A first-party app: consent is implied, as on Cognito's hosted page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      const existing = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile offline_access');
      grant.addResourceScope(apiResource, apiScope);
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      AuthorizationCode: 300,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 30 * 24 * 3600,
    },
    routes: {
      authorization: '/authorize',
      token: '/token',
      userinfo: '/userInfo',
      jwks: '/.well-known/jwks.json',
      end_session: '/logout',
      revocation: '/revoke',
    },
    interactions: { url: (_ctx, interaction) => `${issuerMountPath}/sign-in/${interaction.uid}` },
  };
  const provider = new Provider(issuerUrl, configuration);
  const callback = provider.callback();
  const jwks = createLocalJWKSet({ keys: [publicPart(keys.signing)] });

  async function signIn(request: IncomingMessage, response: ServerResponse, uid: string): Promise<void> {
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('The sign-in session does not match.');
    const action = `${issuerMountPath}/sign-in/${uid}`;
    const page = (status: number, html: string) => {
      response
        .writeHead(status, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
          'x-frame-options': 'DENY',
        })
        .end(html);
    };
    if (request.method === 'GET') return page(200, signInPage({ action, clientName: 'Campus Cloud' }));
    const form = await readForm(request);
    const username = form.get('username') ?? '';
    const user = await users.authenticate(username, form.get('password') ?? '');
    if (!user) {
      // Cognito's message: it does not tell a wrong name from a wrong password.
      return page(
        401,
        signInPage({ action, clientName: 'Campus Cloud', username, error: 'Incorrect username or password.' }),
      );
    }
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: user.sub } },
      { mergeWithLastSubmission: false },
    );
  }

  const verified = new LRUCache<string, { claims: Readonly<Record<string, string | string[]>>; expiresAt: number }>({
    max: maxVerifiedTokens,
  });

  return {
    issuerUrl,
    clientId: localWebClientId,
    clients: {
      async save(client) {
        await clientModel.upsert(client.clientId, {
          client_id: client.clientId,
          client_name: client.clientName,
          client_secret: client.secrets.at(-1)!.value,
          campus_secrets: client.secrets,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_basic',
          scope: client.scopes.join(' '),
        });
      },
      async find(clientId) {
        const found = await clientModel.find(clientId);
        return found
          ? {
              clientId,
              clientName: String(found.client_name),
              secrets: found.campus_secrets as LocalClientMetadata['secrets'],
              scopes: String(found.scope ?? '')
                .split(' ')
                .filter(Boolean),
            }
          : undefined;
      },
      async delete(clientId) {
        await clientModel.destroy(clientId);
      },
    },
    setClientLookup(lookup) {
      clientLookup = lookup;
    },
    redirectUri,
    postLogoutRedirectUri,
    users,
    handle(request, response) {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const signInMatch = new RegExp(`^${issuerMountPath}/sign-in/([A-Za-z0-9_-]+)$`).exec(url.pathname);
      if (signInMatch && (request.method === 'GET' || request.method === 'POST')) {
        signIn(request, response, signInMatch[1]!).catch(() => {
          if (!response.headersSent) {
            response
              .writeHead(400, { 'content-type': 'text/plain; charset=utf-8' })
              .end('This sign-in has expired. Go back to the app and sign in again.');
          }
        });
        return;
      }
      // oidc-provider routes below its mount path, as when mounted on an express app.
      const mounted = request as IncomingMessage & { originalUrl?: string };
      mounted.originalUrl = request.url;
      request.url = (request.url ?? '/').slice(issuerMountPath.length) || '/';
      void callback(request, response);
    },
    async verifyToken(token) {
      // A session sends the same token on every call: its signature is checked once, its expiry every time.
      const known = verified.get(token);
      if (known && known.expiresAt > Date.now() / 1000) return known.claims;
      if (known) verified.delete(token);
      const { payload } = await jwtVerify(token, jwks, { issuer: issuerUrl, algorithms: ['RS256'] });
      // The HTTP API's JWT authorizer accepts a token whose aud or client_id is an allowed client.
      const audiences = [payload.aud, payload.client_id].flat().filter(Boolean);
      if (!audiences.includes(localWebClientId)) throw new Error('The token was not issued to an allowed client.');
      const claims = Object.freeze(
        Object.fromEntries(
          Object.entries(payload).map(([name, value]) => [
            name,
            Array.isArray(value)
              ? value.map(String)
              : typeof value === 'object'
                ? JSON.stringify(value)
                : String(value as string | number | boolean),
          ]),
        ),
      );
      if (payload.exp !== undefined) verified.set(token, { claims, expiresAt: payload.exp });
      return claims;
    },
  };
}
