import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../local/platform';

const stateDir = mkdtempSync(join(tmpdir(), 'campus-issuer-'));
let platform: Platform;
const teacher = { email: 'Ada.Teacher@school.test', password: 'correct horse battery staple', schoolId: 'sch_demo' };

beforeAll(async () => {
  platform = await startPlatform({ stateDir, port: 0, fastAndUnsafe: true });
  await platform.issuer.users.create({
    email: teacher.email,
    name: 'Ada Teacher',
    groups: ['teacher'],
    schoolId: teacher.schoolId,
    password: teacher.password,
  });
});
afterAll(async () => {
  await platform?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

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
async function signIn(username: string, password: string, options: { pkce?: boolean } = {}) {
  const cookies = new Cookies();
  const verifier = base64url(randomBytes(32));
  const config = (await (await fetch(`${platform.url}/config.json`)).json()) as {
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
      await fetch(new URL(url, platform.url), {
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

async function token(endpoint: string, params: Record<string, string>) {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe('local OIDC issuer (oidc-provider) and JWT checks in the gateway', () => {
  it('creates a platform operator on the first run, with a password kept only as a hash', () => {
    expect(platform.firstRunSignIn?.username).toBe('operator@campus.local');
    const operator = platform.issuer.users.findByUsername('operator@campus.local')!;
    expect(operator.groups).toEqual(['platform-operator']);
    expect(operator.passwordHash).toMatch(/^scrypt\$/);
    expect(operator.passwordHash).not.toContain(platform.firstRunSignIn!.password);
    expect(statSync(join(stateDir, 'issuer', 'users.json')).mode & 0o077).toBe(0);
  });

  it('signs in with the authorization code and PKCE, and issues Cognito-shaped tokens the API accepts', async () => {
    const { response, form, config, discovery, verifier } = await signIn(teacher.email, teacher.password);
    expect(await form!.text()).toContain('<form method="post"');
    const callback = new URL(response.headers.get('location')!);
    expect(callback.searchParams.get('state')).toBe('state-1');
    const tokens = await token(discovery.token_endpoint, {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer' });
    expect(tokens.body.refresh_token).toBeTruthy();

    const access = decodeJwt(tokens.body.access_token!);
    expect(access).toMatchObject({
      iss: config.authority,
      client_id: 'campus-web',
      token_use: 'access',
      'cognito:groups': ['teacher'],
      'custom:school_id': teacher.schoolId,
    });
    const id = decodeJwt(tokens.body.id_token!);
    expect(id).toMatchObject({ aud: 'campus-web', email: teacher.email, 'cognito:groups': ['teacher'] });

    const me = await fetch(`${platform.url}/api/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ userId: access.sub, roles: ['teacher'], schoolId: teacher.schoolId });

    const refreshed = await token(discovery.token_endpoint, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
      client_id: config.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token!)['custom:school_id']).toBe(teacher.schoolId);
  });

  it('refuses a wrong password with the same message as an unknown user', async () => {
    const wrong = await signIn(teacher.email, 'not the password');
    const unknown = await signIn('nobody@school.test', 'whatever it is');
    for (const { response } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('Incorrect username or password.');
    }
  });

  it('refuses an authorization request without PKCE', async () => {
    const { response } = await signIn(teacher.email, teacher.password, { pkce: false });
    const location = new URL(response.headers.get('location') ?? 'http://x/', platform.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('answers 401 for a missing, forged or foreign token on a protected route', async () => {
    expect((await fetch(`${platform.url}/api/me`)).status).toBe(401);
    const { response, config, discovery, verifier } = await signIn(teacher.email, teacher.password);
    const code = new URL(response.headers.get('location')!).searchParams.get('code')!;
    const tokens = await token(discovery.token_endpoint, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: verifier,
    });
    const [header, payload, signature] = tokens.body.access_token!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['school-admin'] })).toString('base64url'),
      signature,
    ].join('.');
    const me = (bearer: string) => fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(forged)).status).toBe(401);
    expect((await me('not-a-jwt')).status).toBe(401);
    expect((await me(tokens.body.access_token!)).status).toBe(200);
  });
});
