import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, NetworkError, withQuery } from '../../web/src/api/client';
import { safeReturnTo } from '../../web/src/auth/return-to';
import { signOutParameters, storedSession, userManagerSettings } from '../../web/src/auth/settings';
import { User, UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { parseWebConfig, type WebConfig } from '../../web/src/config';
import { formatters } from '../../web/src/format';
import { t } from '../../web/src/i18n/i18n';
import { matchPath } from '../../web/src/router';
import { studentCsvColumns } from '../../lambdas/api/imports/import.schemas';
import { attendanceCsvColumns, scoreCsvColumns } from '../../lambdas/shared/csv-formats';

const local: WebConfig = {
  stage: 'local',
  authority: 'http://localhost:3000/oauth2',
  clientId: 'campus-web',
  redirectUri: 'http://localhost:3000/auth/callback',
  postLogoutRedirectUri: 'http://localhost:3000/',
};
const aws: WebConfig = { ...local, signInDomain: 'campus-dev.auth.eu-west-1.amazoncognito.com' };
const memoryStorage = () => {
  const items = new Map<string, string>();
  return {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
    key: (index: number) => [...items.keys()][index] ?? null,
    clear: () => items.clear(),
    get length() {
      return items.size;
    },
  } as Storage;
};

describe('web app: config and sign-in settings', () => {
  it('reads config.json, naming what a broken one lacks', () => {
    expect(parseWebConfig({ ...aws })).toEqual(aws);
    expect(() => parseWebConfig({ stage: 'x', authority: '' })).toThrow(
      'config.json lacks authority, clientId, redirectUri, postLogoutRedirectUri',
    );
    expect(() => parseWebConfig({ ...local, signInDomain: 3 })).toThrow('signInDomain must be a string');
  });

  it('asks both issuers for the same scopes and seeds Cognito’s hosted sign-out and revocation only on AWS', () => {
    const onAws = userManagerSettings(aws, new WebStorageStateStore({ store: memoryStorage() }));
    expect(onAws).toMatchObject({
      scope: 'openid email profile',
      automaticSilentRenew: false,
      client_id: 'campus-web',
    });
    expect(onAws.metadataSeed).toEqual({
      end_session_endpoint: 'https://campus-dev.auth.eu-west-1.amazoncognito.com/logout',
      revocation_endpoint: 'https://campus-dev.auth.eu-west-1.amazoncognito.com/oauth2/revoke',
    });
    expect(
      userManagerSettings(local, new WebStorageStateStore({ store: memoryStorage() })).metadataSeed,
    ).toBeUndefined();
  });

  it('sends client_id on sign-out only with an ID token (the library adds it otherwise; twice is refused)', () => {
    expect(signOutParameters(aws, 'id.token.here')).toEqual({
      logout_uri: aws.postLogoutRedirectUri,
      client_id: 'campus-web',
    });
    expect(signOutParameters(aws, undefined)).toEqual({ logout_uri: aws.postLogoutRedirectUri });
  });

  it('reads a still-valid token where the OIDC library stores the user, so a returning tab starts before the library loads', async () => {
    const storage = memoryStorage();
    const manager = new UserManager(userManagerSettings(local, new WebStorageStateStore({ store: storage })));
    const now = Math.floor(Date.now() / 1000);
    await manager.storeUser(
      new User({
        access_token: 'access-1',
        token_type: 'Bearer',
        profile: { sub: 'u1', iss: local.authority, aud: 'campus-web', exp: now + 3600, iat: now, name: 'Ana Lima' },
        expires_at: now + 3600,
      }),
    );
    expect(storedSession(storage, local, now)).toEqual({
      accessToken: 'access-1',
      profile: expect.objectContaining({ name: 'Ana Lima' }),
    });
    // Within the margin of its expiry, or expired: the library's own path refreshes it.
    expect(storedSession(storage, local, now + 3590)).toBeUndefined();
    expect(storedSession(storage, { ...local, clientId: 'another-client' }, now)).toBeUndefined();
  });

  it('returns after sign-in only to a path of this site', () => {
    expect(safeReturnTo({ returnTo: '/students?q=ana' })).toBe('/students?q=ana');
    expect(safeReturnTo({ returnTo: '//evil.example/x' })).toBe('/');
    expect(safeReturnTo({ returnTo: 'https://evil.example' })).toBe('/');
    expect(safeReturnTo({ returnTo: '/auth/callback?code=1' })).toBe('/');
    expect(safeReturnTo(undefined)).toBe('/');
  });
});

describe('web app: API client', () => {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  it('refreshes once for many requests refused with 401 at the same moment, then retries each once', async () => {
    let token = 'old';
    const refresh = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      token = 'new';
      return token;
    });
    let shared: Promise<string | undefined> | undefined;
    const tokens = {
      accessToken: async () => token,
      refresh: () => (shared ??= refresh().finally(() => (shared = undefined))),
      signedOut: vi.fn(),
    };
    const fetchImpl = vi.fn(async (_url: string, init: RequestInit) =>
      new Headers(init.headers).get('authorization') === 'Bearer new' ? json(200, { ok: true }) : json(401, {}),
    );
    const api = createApiClient(tokens, fetchImpl as unknown as typeof fetch);
    const results = await Promise.all([api.get('/api/me'), api.get('/api/students'), api.get('/api/classes')]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(fetchImpl).toHaveBeenCalledTimes(6);
    expect(tokens.signedOut).not.toHaveBeenCalled();
  });

  it('does not refresh on 403, and carries the API’s field errors', async () => {
    const refresh = vi.fn(async () => 'x');
    const api = createApiClient({ accessToken: async () => 't', refresh, signedOut: () => undefined }, (async (
      url: string,
    ) =>
      url.startsWith('/api/forbidden')
        ? json(403, { error: { code: 'FORBIDDEN', message: 'No.', fields: [] } })
        : json(400, {
            error: {
              code: 'VALIDATION_FAILED',
              message: 'Some fields are not valid.',
              fields: [{ path: 'body.givenName', message: 'Too small' }],
            },
          })) as unknown as typeof fetch);
    await expect(api.get('/api/forbidden')).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(refresh).not.toHaveBeenCalled();
    const refused = await api.post('/api/students', { givenName: '' }).catch((error: ApiError) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).fieldMessage('givenName')).toBe('Too small');
  });

  it('tells a dropped connection from an API answer', async () => {
    const api = createApiClient(
      { accessToken: async () => 't', refresh: async () => 't', signedOut: () => undefined },
      async () => {
        throw new TypeError('Failed to fetch');
      },
    );
    await expect(api.put('/api/classes/c/attendance/2026-11-20', { marks: [] })).rejects.toBeInstanceOf(NetworkError);
  });

  it('writes query strings without empty filters', () => {
    expect(withQuery('/api/students', { q: 'ana maria', classId: '', status: undefined, limit: 25 })).toBe(
      '/api/students?q=ana+maria&limit=25',
    );
    expect(withQuery('/api/students', {})).toBe('/api/students');
  });
});

describe('web app: routing, texts and formats', () => {
  it('matches app paths with parameters', () => {
    expect(matchPath('/students/:studentId', '/students/ab%2Fc')).toEqual({ studentId: 'ab/c' });
    expect(matchPath('/students/:studentId', '/students')).toBeUndefined();
    expect(matchPath('/classes/:classId/attendance', '/classes/c1/attendance')).toEqual({ classId: 'c1' });
  });

  it('fills texts and picks plurals from the catalogue', () => {
    expect(t('myClasses.students', { count: 1 })).toBe('1 student');
    expect(t('myClasses.students', { count: 26 })).toBe('26 students');
    expect(t('dashboard.studentsOverdue', { count: 0 })).toBe('no student owes');
    expect(t('marking.title', { name: '7A' })).toBe('Attendance, 7A');
  });

  it('names in the import wizard exactly the columns each CSV import reads, required ones first', () => {
    // Every lower-case word of the hint that is not one of these is taken as a column name.
    const prose = new Set(['required', 'present', 'absent', 'late', 'or', 'excused']);
    const named = (key: Parameters<typeof t>[0]) =>
      (t(key).match(/\b[a-z][a-z_]*\b/g) ?? []).filter((word) => !prose.has(word));
    expect(named('import.columns.students')).toEqual([...studentCsvColumns]);
    expect(named('import.columns.attendance')).toEqual([...attendanceCsvColumns]);
    expect(named('import.columns.scores')).toEqual([...scoreCsvColumns]);
  });

  it("formats for the school's locale, time zone and currency", () => {
    const pt = formatters({ locale: 'pt-PT', timeZone: 'Europe/Lisbon', currency: 'EUR' });
    expect(pt.money(123456)).toBe('1234,56\u00a0€');
    expect(pt.date('2026-11-26', 'long')).toBe('26 de novembro de 2026');
    expect(pt.percent(0.981)).toBe('98%');
    expect(pt.dateTime('2026-11-26 23:37:13.479277+00')).toBe(pt.dateTime('2026-11-26T23:37:13.479Z'));
    expect(pt.dateTime('not a time')).toBe('not a time');
    const jp = formatters({ locale: 'en-US', timeZone: 'Asia/Tokyo', currency: 'JPY' });
    expect(jp.money(1200)).toBe('¥1,200');
    // A calendar date is never shifted by the school's time zone.
    expect(jp.date('2026-01-01', 'short')).toBe('1/1/26');
    expect(formatters({ locale: 'en-GB', timeZone: 'Pacific/Kiritimati', currency: 'EUR' }).today()).toMatch(
      /^\d{4}-\d{2}-\d{2}$/,
    );
  });
});
