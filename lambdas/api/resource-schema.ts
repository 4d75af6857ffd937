import * as z from 'zod';
import type { ResourceSpec } from './resource-crud';

const columnSchemas = {
  text: () => z.string(),
  uuid: () => z.uuid(),
  date: () => z.iso.date(),
  integer: () => z.number().int(),
  decimal: () => z.number(),
  json: () => z.unknown(),
} as const;

/** What a resource's routes return for one row, derived from its definition. */
export function resourceSchema(spec: ResourceSpec) {
  return z.object({
    id: z.uuid(),
    ...Object.fromEntries(
      Object.entries(spec.fields).map(([field, column]) => [field, columnSchemas[column.type]().nullable()]),
    ),
  });
}

/** A page of a list: its items and the cursor of the next page, if any. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
