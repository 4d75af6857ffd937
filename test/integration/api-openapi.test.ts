import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiContract } from '../../lambdas/api/api-contract';
import { routeKey, routes } from '../../lambdas/api/routes';
import { useLocalPlatform } from '../support/local-platform';
import { callApi, schoolFixture } from '../support/school-fixture';

const platform = useLocalPlatform('openapi');

describe('the API contract and its OpenAPI document', () => {
  it('has a contract for every route of the manifest, and none for a route that is not there', () => {
    expect(Object.keys(apiContract).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('serves an OpenAPI 3.1 document that validates, generated from the schemas', async () => {
    const response = await callApi<Record<string, unknown> & { paths: Record<string, Record<string, unknown>> }>(
      platform().url,
      undefined,
      'GET',
      '/api/openapi.json',
    );
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(response.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const create = response.body.paths['/api/students']!.post as {
      requestBody: { content: { 'application/json': { schema: { required: string[] } } } };
      security: unknown[];
    };
    expect(create.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['admissionNo', 'givenName', 'familyName']),
    );
    expect(create.security).toEqual([{ bearer: [] }]);
  });

  it('serves a readable page of the routes', async () => {
    const page = await fetch(`${platform().url}/api/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/api/students/{studentId}/withdraw');
    expect(html).toContain('school-admin');
  });

  it('describes what the routes really answer', async () => {
    const school = await schoolFixture(platform(), 'contract');
    const admin = await school.user('school-admin');
    const created = await admin.call('POST', '/api/students', {
      admissionNo: 'C-1',
      givenName: 'C',
      familyName: 'One',
    });
    expect(apiContract['POST /api/students']!.response!.safeParse(created.body).success).toBe(true);
    const page = await admin.call('GET', '/api/students');
    expect(apiContract['GET /api/students']!.response!.safeParse(page.body).success).toBe(true);
    const year = await admin.call('POST', '/api/academic-years', {
      name: 'Y',
      startsOn: '2026-09-01',
      endsOn: '2027-07-01',
    });
    expect(apiContract['POST /api/academic-years']!.response!.safeParse(year.body).success).toBe(true);
    const health = await callApi(platform().url, undefined, 'GET', '/api/health');
    expect(apiContract['GET /api/health']!.response!.safeParse(health.body).success).toBe(true);
  });
});
