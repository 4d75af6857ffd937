import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { projectRoot } from '../../lib/project';
import { type LocalGateway, startLocalGateway } from '../../local/gateway/local-gateway';
import { healthRoutes } from '../../lambdas/api/health/health.routes';
import { routeGroup } from '../../lambdas/api/route-contract';
import { until } from '../support/until';

describe('local gateway over real HTTP', () => {
  let gateway: LocalGateway;
  const saved = { ...process.env };

  beforeAll(async () => {
    Object.assign(process.env, {
      CAMPUS_STAGE: 'itest',
      CAMPUS_VERSION: '0.0.0-test',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    gateway = await startLocalGateway({
      port: 0,
      projectRoot,
      webDir: join(projectRoot, 'web', 'dist'),
      routes: [
        ...healthRoutes.routes,
        ...routeGroup('lambdas/api/health/get-health.handler.ts', {
          protectedHealth: {
            method: 'GET',
            path: '/api/schools/{schoolId}/health',
            access: ['school-admin'],
            summary: 'a protected route to prove the 401 path',
            response: { status: 200 },
          },
        }).routes,
      ],
    });
  });
  afterAll(async () => {
    await gateway.close();
    process.env = saved;
  });

  it('answers GET /api/health from the real handler', async () => {
    const response = await fetch(`${gateway.url}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toMatchObject({ status: 'ok', stage: 'itest', version: '0.0.0-test' });
  });

  it('answers unknown API routes and wrong methods like API Gateway: 404 Not Found', async () => {
    for (const [method, path] of [
      ['GET', '/api/nothing-here'],
      ['POST', '/api/health'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.json()).toEqual({ message: 'Not Found' });
    }
  });

  it('refuses a protected route without a token, as the JWT authorizer does', async () => {
    const response = await fetch(`${gateway.url}/api/schools/sch_1/health`);
    expect(response.status).toBe(401);
    const withToken = await fetch(`${gateway.url}/api/schools/sch_1/health`, {
      headers: { authorization: 'Bearer x.y.z' },
    });
    expect(withToken.status).toBe(401);
  });

  it('serves the web app, with index.html for app routes and files as files', async () => {
    const home = await fetch(`${gateway.url}/`);
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('<title>Campus Cloud</title>');
    const deepLink = await fetch(`${gateway.url}/students/st_42`);
    expect(await deepLink.text()).toBe(html);
    expect(home.headers.get('cache-control')).toBe('no-cache');
    expect(home.headers.get('content-security-policy')).toContain("script-src 'self'");
    // The entry script's name carries its content hash, so it may be cached for good.
    const entry = /<script type="module" src="(\/assets\/app-[\w]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const script = await fetch(`${gateway.url}${entry}`);
    expect(script.headers.get('content-type')).toMatch(/text\/javascript/);
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${gateway.url}/assets/missing.js`)).status).toBe(404);
  });

  it('never serves files outside the web app', async () => {
    const response = await fetch(`${gateway.url}/..%2f..%2fpackage.json`);
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain('"name": "campus-cloud"');
  });
});

describe('local gateway with a WebSocket open', () => {
  it('closes at once, ending the upgraded connections it handed over', async () => {
    const sockets = new WebSocketServer({ noServer: true });
    const gateway = await startLocalGateway({
      port: 0,
      projectRoot,
      webDir: join(projectRoot, 'web', 'dist'),
      routes: healthRoutes.routes,
      upgrades: { '/live': (request, socket, head) => sockets.handleUpgrade(request, socket, head, () => {}) },
    });
    const client = new WebSocket(`${gateway.url.replace('http', 'ws')}/live`);
    await new Promise((opened, failed) => client.once('open', opened).once('error', failed));
    const closed = new Promise((ended) => client.once('close', ended));
    const started = Date.now();
    await gateway.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(2_000);
    sockets.close();
  });
});

describe('npm start', () => {
  it('prints "ready at" and where the mailbox is, serves /api/health and the mailbox, and stops cleanly on SIGTERM', async () => {
    const port = 3900 + Math.floor(Math.random() * 90);
    // As `npm start` runs it: node itself with tsx's loader, so signals reach the platform directly.
    const child = spawn(join(projectRoot, 'node_modules', '.bin', 'node'), ['--import', 'tsx', 'local/start.ts'], {
      cwd: projectRoot,
      // Its own state directory: a developer's running `npm start` keeps `.local/`.
      env: { ...process.env, PORT: String(port), CAMPUS_STATE_DIR: mkdtempSync(join(tmpdir(), 'campus-start-')) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const ready = await new Promise<string>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "ready at" within 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /ready at (http:\/\/localhost:\d+)/.exec(output);
        if (found) {
          clearTimeout(timer);
          resolveReady(found[1]!);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited ${code} before ready:\n${output}`)));
    });
    expect(ready).toBe(`http://localhost:${port}`);
    const health = await (await fetch(`${ready}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', stage: 'local' });
    const mailbox = await until(
      async () => /^mailbox \(every e-mail and text message sent\) at (\S+)$/m.exec(output)?.[1],
      'the mailbox line',
    );
    expect(mailbox).toBe(`${ready}/local/mail`);
    const page = await fetch(mailbox);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
