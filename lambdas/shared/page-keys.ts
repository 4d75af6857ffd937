/**
 * A DynamoDB query's `LastEvaluatedKey` as the opaque cursor a list gives out, and back. A
 * cursor that is not one throws (SyntaxError, or the query's ValidationException), which the
 * list's route answers with a 400 on `query.cursor`.
 */
export const pageKeys = {
  encode: (key: Record<string, unknown> | undefined): string | null =>
    key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null,
  decode: (cursor: string): Record<string, unknown> =>
    JSON.parse(Buffer.from(cursor, 'base64url').toString()) as Record<string, unknown>,
};
