import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from '../../local/platform';
import { accessTokenFor, authorizationCodeFlow, token } from '../support/sign-in';

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
    const { response, form, config, discovery, verifier } = await authorizationCodeFlow(
      platform.url,
      teacher.email,
      teacher.password,
    );
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

    const me = await fetch(`${platform.url}/api/v1/me`, {
      headers: { authorization: `Bearer ${tokens.body.access_token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: access.sub, roles: ['teacher'], schoolId: teacher.schoolId });

    const refreshed = await token(discovery.token_endpoint, {
      grant_type: 'refresh_token',
      refresh_token: tokens.body.refresh_token!,
      client_id: config.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.access_token!)['custom:school_id']).toBe(teacher.schoolId);
  });

  it('refuses a wrong password with the same message as an unknown user', async () => {
    const wrong = await authorizationCodeFlow(platform.url, teacher.email, 'not the password');
    const unknown = await authorizationCodeFlow(platform.url, 'nobody@school.test', 'whatever it is');
    for (const { response } of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toContain('Incorrect username or password.');
    }
  });

  it('refuses an authorization request without PKCE', async () => {
    const { response } = await authorizationCodeFlow(platform.url, teacher.email, teacher.password, { pkce: false });
    const location = new URL(response.headers.get('location') ?? 'http://x/', platform.url);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('answers 401 for a missing, forged or foreign token on a protected route', async () => {
    expect((await fetch(`${platform.url}/api/v1/me`)).status).toBe(401);
    const accessToken = await accessTokenFor(platform.url, teacher.email, teacher.password);
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, 'cognito:groups': ['school-admin'] })).toString('base64url'),
      signature,
    ].join('.');
    const me = (bearer: string) =>
      fetch(`${platform.url}/api/v1/me`, { headers: { authorization: `Bearer ${bearer}` } });
    expect((await me(forged)).status).toBe(401);
    expect((await me('not-a-jwt')).status).toBe(401);
    expect((await me(accessToken)).status).toBe(200);
  });

  it('checks a signature once per token but its expiry on every call', async () => {
    const keys = JSON.parse(readFileSync(join(stateDir, 'issuer', 'keys.json'), 'utf8')) as { signing: JWK };
    const mint = (expiresAt: number) =>
      importJWK(keys.signing, 'RS256').then((key) =>
        new SignJWT({ client_id: platform.issuer.clientId, 'custom:school_id': teacher.schoolId })
          .setProtectedHeader({ alg: 'RS256', kid: keys.signing.kid! })
          .setIssuer(platform.issuer.issuerUrl)
          .setSubject('user-1')
          .setIssuedAt()
          .setExpirationTime(expiresAt)
          .sign(key),
      );
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const shortLived = await mint(expiresAt);
    await expect(platform.issuer.verifyToken(shortLived)).resolves.toMatchObject({ sub: 'user-1' });
    // Accepted once, the same token with its payload edited is still refused.
    const [header, , signature] = shortLived.split('.');
    const edited = Buffer.from(JSON.stringify({ sub: 'user-2', exp: expiresAt + 600 })).toString('base64url');
    await expect(platform.issuer.verifyToken(`${header}.${edited}.${signature}`)).rejects.toThrow();
    await expect(platform.issuer.verifyToken(shortLived)).resolves.toMatchObject({ sub: 'user-1' });
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    await expect(platform.issuer.verifyToken(shortLived)).rejects.toThrow(/exp/);
  });
});
