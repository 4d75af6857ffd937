/**
 * One schema change of a school database: statements run in order, in one transaction,
 * each sent as its own Data API call (the Data API takes one statement per call).
 */
export interface Migration {
  /** Strictly increasing from 1; recorded in the database and the tenant directory. */
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}
