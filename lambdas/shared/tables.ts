/**
 * DynamoDB table definitions of the platform. The CDK data stack and the local
 * platform both create their tables from these, so keys and indexes never drift.
 */
export type AttributeType = 'S' | 'N';

export interface KeyDefinition {
  readonly name: string;
  readonly type: AttributeType;
}

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  /** What the index is for, so a reader knows which query needs it. */
  readonly purpose: string;
}

export interface TableDefinition {
  /** Logical name; the physical name is `<stage prefix>-<logicalName>`. */
  readonly logicalName: string;
  readonly partitionKey: KeyDefinition;
  readonly sortKey?: KeyDefinition;
  readonly globalIndexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, when items expire by themselves. */
  readonly timeToLiveAttribute?: string;
  readonly purpose: string;
}

/**
 * Tenant directory: one item per school (`pk = SCHOOL#<id>`, `sk = SCHOOL`), one per shard
 * group (`pk = SHARDGROUP#<id>`, `sk = SHARDGROUP`) and one slug claim per school
 * (`pk = SLUG#<slug>`) so that slugs are unique through a conditional put.
 */
export const tenantDirectoryTable: TableDefinition = {
  logicalName: 'tenant-directory',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      name: 'byStatus',
      partitionKey: { name: 'status', type: 'S' },
      sortKey: { name: 'slug', type: 'S' },
      purpose: 'List schools in one lifecycle status (every ACTIVE school for scoring and fleet migration).',
    },
    {
      name: 'byShardGroup',
      partitionKey: { name: 'shardGroupId', type: 'S' },
      sortKey: { name: 'slug', type: 'S' },
      purpose: 'List the schools placed in one shard group (rebalancing, capacity checks).',
    },
  ],
  purpose: 'Schools, their shard group, database, status and schema version; shard groups and their school counts.',
};

/** Powertools idempotency records (payments and other client-keyed writes). */
export const idempotencyTable: TableDefinition = {
  logicalName: 'idempotency',
  partitionKey: { name: 'id', type: 'S' },
  globalIndexes: [],
  // Powertools writes this attribute; the table expires records after their window.
  timeToLiveAttribute: 'expiration',
  purpose: 'Powertools for AWS Lambda idempotency records.',
};

/** Scoring runs: one item per run (`sk = RUN`) and one per school in the run (`sk = SCHOOL#<id>`). */
export const scoringRunsTable: TableDefinition = {
  logicalName: 'scoring-runs',
  partitionKey: { name: 'runId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [
    {
      name: 'bySchool',
      partitionKey: { name: 'schoolId', type: 'S' },
      sortKey: { name: 'startedAt', type: 'S' },
      purpose: "A school's scoring runs, newest first.",
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  purpose: 'Nightly and on-demand scoring runs with per-school progress.',
};

/**
 * The web app's live connections, the real-time part of the in-app channel: one item per open
 * connection (`id = CONNECTION#<connection id>`, with its school and user) and one per ticket
 * that opens one (`id = TICKET#<ticket>`, usable once within a minute). Tickets carry their
 * school and user under other names, so only connections are in the school index.
 */
export const liveConnectionsTable: TableDefinition = {
  logicalName: 'live-connections',
  partitionKey: { name: 'id', type: 'S' },
  globalIndexes: [
    {
      name: 'bySchool',
      partitionKey: { name: 'schoolId', type: 'S' },
      sortKey: { name: 'userId', type: 'S' },
      purpose: "A school's open connections, to reach the people a message is for while they have the app open.",
    },
  ],
  timeToLiveAttribute: 'expiresAt',
  purpose: "Open connections of the web app's live updates, and the one-use tickets that open them.",
};

/**
 * The register of erasures: one item per student erased (`schoolId`, `sk = <request id>`),
 * naming the people by id only. It lives outside the school's database so that a database
 * restored from a backup taken before an erasure has the erasure applied again
 * (lambdas/shared/student-erasure.ts); items are kept for as long as such a backup can exist.
 */
export const erasureRegisterTable: TableDefinition = {
  logicalName: 'erasure-register',
  partitionKey: { name: 'schoolId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAt',
  purpose: "Erasures carried out, by school, re-applied to a school's database restored from an older backup.",
};

/**
 * Integrations' OAuth clients, one item per client (`clientId`): its school, integration, scopes,
 * status, the time before which its tokens are refused, its rate, and a rotation under way. The
 * token trigger and the integrations' authorizer read a client by key; only the integrations'
 * own routes write one.
 */
export const integrationClientsTable: TableDefinition = {
  logicalName: 'integration-clients',
  partitionKey: { name: 'clientId', type: 'S' },
  globalIndexes: [],
  purpose: "Integrations' OAuth clients: which school each serves, with which scopes, whether it is revoked, its rate.",
};

/**
 * What integrations' calls leave, one partition per client (`clientId`): a counter per minute
 * (`sk = WINDOW#<minute>`) for its rate, and each call (`sk = CALL#<time>#<request>`) for its
 * school admin. Kept apart from the clients so that the routes integrations call may write here
 * and never to a client's record.
 */
export const integrationCallsTable: TableDefinition = {
  logicalName: 'integration-calls',
  partitionKey: { name: 'clientId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalIndexes: [],
  timeToLiveAttribute: 'expiresAt',
  purpose: "Integrations' calls: per-minute counters for their rates, and each call for their school admins.",
};

export const platformTables = [
  tenantDirectoryTable,
  idempotencyTable,
  scoringRunsTable,
  liveConnectionsTable,
  erasureRegisterTable,
  integrationClientsTable,
  integrationCallsTable,
] as const;
