import { describe, expect, it } from 'vitest';
import {
  filterSql,
  largestPage,
  listQuery,
  orderSql,
  pagingHeaders,
  parseFilter,
  selectedFields,
} from '../../lambdas/api/oneroster/list-query';
import { asOneRosterAnswer } from '../../lambdas/api/oneroster/imsx-status';
import type { HttpError } from '../../lambdas/shared/http';

const fields = {
  sourcedId: { sql: 'v."sourcedId"', kind: 'text' },
  familyName: { sql: 'v."familyName"', kind: 'text' },
  dateLastModified: { sql: 'v."dateLastModified"', kind: 'datetime' },
  score: { sql: 'v.score', kind: 'number' },
} as const;

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as HttpError).code;
  }
  return 'none';
};

describe("OneRoster's list semantics", () => {
  it('parses predicates, quoted values (a quote written twice) and one kind of logical operator', () => {
    expect(parseFilter("familyName='O''Neil'")).toEqual({
      predicates: [{ field: 'familyName', operator: '=', value: "O'Neil" }],
      logic: 'AND',
    });
    expect(parseFilter("score>='10' OR familyName~'sil'")).toEqual({
      predicates: [
        { field: 'score', operator: '>=', value: '10' },
        { field: 'familyName', operator: '~', value: 'sil' },
      ],
      logic: 'OR',
    });
    for (const bad of [
      "a='1' AND b='2' OR c='3'",
      'familyName=Silva',
      "familyName='open",
      "familyName=='x'",
      "x='1' XOR y='2'",
    ]) {
      expect(
        codeOf(() => parseFilter(bad)),
        bad,
      ).toBe('invalid_filter_field');
    }
  });

  it('makes SQL with every value a bound parameter, checked against its field kind', () => {
    const made = filterSql("familyName='x'' OR ''1''=''1' AND dateLastModified>'2026-12-01T00:00:00Z'", fields);
    expect(made.sql).toBe(`(v."familyName" = CAST(:f0 AS text) AND v."dateLastModified" > CAST(:f1 AS timestamptz))`);
    expect(made.params).toEqual({ f0: "x' OR '1'='1", f1: '2026-12-01T00:00:00Z' });
    // `~` is "contains", its LIKE wildcards taken literally.
    expect(filterSql("familyName~'50%_'", fields).params).toEqual({ f0: '%50\\%\\_%' });
    expect(codeOf(() => filterSql("score='ten'", fields))).toBe('invalid_filter_field');
    expect(codeOf(() => filterSql("shoeSize='42'", fields))).toBe('invalid_filter_field');
    // Only a record's own fields: not what every object has.
    expect(codeOf(() => filterSql("constructor='x'", fields))).toBe('invalid_filter_field');
    expect(codeOf(() => orderSql({ sort: 'toString', orderBy: 'asc' }, fields))).toBe('invaliddata');
    // A day that does not exist.
    expect(codeOf(() => filterSql("dateLastModified>'2026-02-30'", fields))).toBe('invalid_filter_field');
  });

  it('sorts by a known field then by id in byte order, and refuses another', () => {
    expect(orderSql({ sort: 'familyName', orderBy: 'desc' }, fields)).toBe(
      'v."familyName" DESC NULLS LAST, v."sourcedId" COLLATE "C" DESC',
    );
    expect(orderSql({ orderBy: 'asc' }, fields)).toBe('v."sourcedId" COLLATE "C" ASC');
    expect(codeOf(() => orderSql({ sort: 'password', orderBy: 'asc' }, fields))).toBe('invaliddata');
  });

  it('selects fields by name and refuses one a record does not have', () => {
    expect(selectedFields('sourcedId, familyName', ['sourcedId', 'familyName', 'status'])).toEqual([
      'sourcedId',
      'familyName',
    ]);
    expect(selectedFields(undefined, ['sourcedId'])).toBeUndefined();
    expect(codeOf(() => selectedFields('sourcedId,shoeSize', ['sourcedId']))).toBe('invalid_selection_field');
  });

  it(`pages at most ${largestPage} records, linking first, prev, next and last pages of the same request`, () => {
    expect(listQuery.parse({}).limit).toBe(100);
    expect(listQuery.parse({ limit: '5000' }).limit).toBe(largestPage);
    const headers = pagingHeaders('/ims/x/users', 'filter=a%3D%27b%27&limit=2&offset=2', { limit: 2, offset: 2 }, 7);
    expect(headers['x-total-count']).toBe('7');
    expect(headers.link).toBe(
      [
        '</ims/x/users?filter=a%3D%27b%27&limit=2&offset=0>; rel="first"',
        '</ims/x/users?filter=a%3D%27b%27&limit=2&offset=0>; rel="prev"',
        '</ims/x/users?filter=a%3D%27b%27&limit=2&offset=4>; rel="next"',
        '</ims/x/users?filter=a%3D%27b%27&limit=2&offset=6>; rel="last"',
      ].join(', '),
    );
    expect(pagingHeaders('/u', '', { limit: 100, offset: 0 }, 0).link).toBe(
      '</u?limit=100&offset=0>; rel="first", </u?limit=100&offset=0>; rel="last"',
    );
  });

  it("answers the platform's refusals as imsx_StatusInfo, with the code minor their status calls for", () => {
    const refusal = (status: number, code: string) =>
      JSON.parse(
        String(
          (
            asOneRosterAnswer({
              statusCode: status,
              body: JSON.stringify({
                error: { code, message: 'No.', fields: [{ path: 'query.limit', message: 'is too small' }] },
              }),
            }) as { body: string }
          ).body,
        ),
      ) as {
        imsx_description: string;
        imsx_CodeMinor: { imsx_codeMinorField: { imsx_codeMinorFieldValue: string }[] };
      };
    const minor = (status: number, code: string) =>
      refusal(status, code).imsx_CodeMinor.imsx_codeMinorField[0]!.imsx_codeMinorFieldValue;
    expect(minor(400, 'VALIDATION_FAILED')).toBe('invaliddata');
    expect(minor(400, 'invalid_filter_field')).toBe('invalid_filter_field');
    expect(minor(401, 'UNAUTHORIZED')).toBe('unauthorisedrequest');
    expect(minor(403, 'FORBIDDEN')).toBe('forbidden');
    expect(minor(404, 'NOT_FOUND')).toBe('unknownobject');
    expect(minor(422, 'invaliddata')).toBe('invaliddata');
    expect(minor(429, 'RATE_LIMITED')).toBe('server_busy');
    expect(minor(500, 'INTERNAL')).toBe('internal_server_error');
    expect(refusal(400, 'VALIDATION_FAILED').imsx_description).toBe('No. query.limit is too small');
    // Successes pass as they are.
    expect(asOneRosterAnswer({ statusCode: 200, body: '{"users":[]}' })).toEqual({
      statusCode: 200,
      body: '{"users":[]}',
    });
  });
});
