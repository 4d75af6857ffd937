import { jurisdictionIds, jurisdictions } from '../lambdas/shared/jurisdictions';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as z from 'zod';
import { defaultDirectoryCacheSeconds } from '../lambdas/shared/directory-cache';
import { stagePrefixOf } from '../lambdas/shared/resource-names';

/** AWS region names such as `eu-west-1` or `us-gov-west-1`. */
const region = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');
const availabilityZones = z
  .array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, 'must be an availability zone such as eu-west-1a'))
  .min(2, 'Aurora needs subnets in at least two availability zones')
  .max(3);

/** Aurora Serverless v2 capacity: 0 (auto-pause) to 256 ACU in steps of 0.5. */
const acu = z
  .number()
  .min(0)
  .max(256)
  .refine((v) => Number.isInteger(v * 2), 'must be a multiple of 0.5');

export const shardGroupSchema = z
  .object({
    /** Short id used in resource names and in the tenant directory, e.g. `sg1`. */
    id: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, 'must be 2-12 lowercase letters or digits, starting with a letter'),
    /** Minimum capacity; 0 lets the cluster auto-pause when idle (dev only). */
    minAcu: acu,
    maxAcu: acu.refine((v) => v >= 1, 'must be at least 1'),
    /** Seconds of idleness before a min-0 cluster pauses (300-86400). */
    autoPauseSeconds: z.number().int().min(300).max(86_400).default(600),
    /** How many school databases the onboarding workflow may place in this group. */
    maxSchools: z.number().int().min(1).max(500),
    /** Replicate the cluster to the DR region as an Aurora Global Database secondary. */
    globalDatabase: z.boolean(),
  })
  .refine((g) => g.maxAcu >= g.minAcu, { path: ['maxAcu'], message: 'must be at least minAcu' })
  .refine((g) => !(g.globalDatabase && g.minAcu === 0), {
    path: ['minAcu'],
    message: 'must be at least 0.5 when globalDatabase is on (a Global Database cannot auto-pause)',
  });

export const stageConfigSchema = z
  .object({
    /** Stage name, used as a prefix of every stack and resource name. */
    name: z.string().regex(/^[a-z][a-z0-9]{1,9}$/, 'must be 2-10 lowercase letters or digits, starting with a letter'),
    /** Target account; omit to deploy to whatever account the credentials belong to. */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    /**
     * The data-protection jurisdiction the stage serves: both its regions must be inside it, and
     * onboarding takes only schools of its countries (README, "Data residency").
     */
    jurisdiction: z.enum(jurisdictionIds),
    /** The countries whose schools the stage takes: some of its jurisdiction's. @default all of them */
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'))
      .min(1)
      .optional(),
    primaryRegion: region,
    drRegion: region,
    /** Zones listed explicitly so that synth never needs a context lookup (offline synth). */
    primaryAvailabilityZones: availabilityZones,
    drAvailabilityZones: availabilityZones,
    shardGroups: z.array(shardGroupSchema).min(1, 'at least one shard group is needed'),
    web: z
      .object({
        /** Custom domain of the web app, e.g. `app.campus.example`. */
        domainName: z
          .string()
          .regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a lowercase DNS name')
          .optional(),
        /** ACM certificate for `domainName`; CloudFront only accepts certificates in us-east-1. */
        certificateArn: z
          .string()
          .regex(
            /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
            'must be an ACM certificate ARN in us-east-1',
          )
          .optional(),
        /** Requests per 5 minutes per client IP before WAF blocks it. */
        rateLimitPer5Minutes: z.number().int().min(100).max(2_000_000_000).default(2000),
      })
      .refine((w) => Boolean(w.domainName) === Boolean(w.certificateArn), {
        path: ['certificateArn'],
        message: 'domainName and certificateArn go together: give both or neither',
      }),
    api: z.object({
      /** Steady-state requests per second across the HTTP API stage. */
      throttleRateLimit: z.number().int().min(1),
      throttleBurstLimit: z.number().int().min(1),
      /**
       * Seconds an API function trusts a directory read (a suspension takes effect within
       * this); the move workflow's wait before dropping a moved school's old database follows.
       * @default 30
       */
      directoryCacheSeconds: z.number().int().min(0).max(300).default(defaultDirectoryCacheSeconds),
      /** Each API function's timeout, under the HTTP API's 30-second integration limit. @default 10 */
      functionTimeoutSeconds: z.number().int().min(1).max(29).default(10),
    }),
    alarmEmail: z.email('must be an e-mail address'),
    /** Where onboarding operators hear how each school onboarding ended (SNS e-mail). */
    operatorEmail: z.email('must be an e-mail address'),
    retention: z.object({
      /**
       * Point-in-time recovery window of the shard groups (1-35 days): AWS Backup's
       * continuous backup and the clusters' own automated backups use the same value,
       * since AWS Backup takes over the clusters' retention once continuous backup is on.
       */
      continuousBackupDays: z.number().int().min(1).max(35),
      /** Daily snapshots kept in the primary vault and their copies in the DR vault. */
      dailySnapshotDays: z.number().int().min(1).max(36_500),
      /** Lambda, API and database log groups. */
      logDays: z.number().int().min(1).max(3653),
      /** School exports (offboarding, CSV exports) before they expire. */
      exportDays: z.number().int().min(1).max(36_500),
      /** Generated PDF reports. */
      reportDays: z.number().int().min(1).max(36_500),
      /** Uploaded CSV files awaiting import; they are transient. */
      importDays: z.number().int().min(1).max(365),
      /** S3 server access logs and CloudFront logs. */
      accessLogDays: z.number().int().min(1).max(36_500),
    }),
    auth: z.object({
      /** Prefix of the Cognito hosted sign-in domain; unique per region across all AWS accounts. */
      domainPrefix: z
        .string()
        .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lowercase letters, digits and hyphens')
        .refine((v) => !/aws|amazon|cognito/.test(v), 'may not contain aws, amazon or cognito'),
    }),
    /** How the platform reaches families and staff: e-mail through SES, text messages through End User Messaging SMS. */
    messaging: z.object({
      /** The domain the platform's e-mail is sent from (an SES identity with Easy DKIM), e.g. `mail.campus.example`. */
      mailDomain: z
        .string()
        .regex(
          /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
          'must be a lower-case domain name',
        ),
      /** The bounce and complaint rates (fractions) at which the stage is warned: SES reviews accounts at 5 % and 0.1 %. */
      bounceRateWarning: z.number().gt(0).lt(1).default(0.04),
      complaintRateWarning: z.number().gt(0).lt(1).default(0.0008),
      /**
       * Messages a second one school's bulk sends (announcements, reminders) go at, at most: a
       * share of the account's SES rate (and of the senders' time), so one school's thousands
       * never take all of it and another school's urgent alerts keep theirs. 250 sends 10,000
       * e-mails in 40 s, inside the minute an announcement may take. @default 250
       */
      bulkSendsPerSecondPerSchool: z.number().int().min(1).max(10_000).default(250),
    }),
    /** Database Insights mode of every shard group: standard (free tier) or advanced (15 months of history). */
    databaseInsights: z.enum(['standard', 'advanced']),
    /**
     * Where the platform serves from. `dr` only during a regional failover (README
     * runbook): the application stacks then run in the DR region over the promoted
     * clusters and the replicated tables, secrets and buckets.
     */
    activeRegion: z.enum(['primary', 'dr']).default('primary'),
    /** Production safety: deletion protection and RETAIN on stateful resources. */
    protectData: z.boolean(),
    /** Powertools log level for every function. */
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    /** The nightly scoring run of every ACTIVE school. */
    scoring: z
      .object({
        /** EventBridge Scheduler expression. @default cron(30 1 * * ? *), 01:30 every night */
        schedule: z
          .string()
          .regex(/^(cron|rate)\(.+\)$/, 'must be a Scheduler expression such as cron(30 1 * * ? *)')
          .default('cron(30 1 * * ? *)'),
        /** Time zone the schedule is read in. @default UTC */
        timezone: z.string().min(1).default('UTC'),
        /** Schools scored at once. @default 20 */
        maxConcurrentSchools: z.number().int().min(1).max(1000).default(20),
        /** Chunks of one school scored at once. @default 10 */
        maxConcurrentChunks: z.number().int().min(1).max(1000).default(10),
      })
      .prefault({}),
  })
  .refine((s) => s.primaryRegion !== s.drRegion, { path: ['drRegion'], message: 'must differ from primaryRegion' })
  .refine((s) => jurisdictions[s.jurisdiction].regions.includes(s.primaryRegion), {
    path: ['primaryRegion'],
    message: 'must be a region of the stage’s jurisdiction',
  })
  .refine((s) => jurisdictions[s.jurisdiction].regions.includes(s.drRegion), {
    path: ['drRegion'],
    message: 'must be a region of the stage’s jurisdiction: backups and replicas stay in it too',
  })
  .refine((s) => (s.countries ?? []).every((c) => jurisdictions[s.jurisdiction].countries.includes(c)), {
    path: ['countries'],
    message: 'every country must be of the stage’s jurisdiction',
  })
  .refine((s) => s.primaryAvailabilityZones.every((z) => z.startsWith(s.primaryRegion)), {
    path: ['primaryAvailabilityZones'],
    message: 'every zone must be in primaryRegion',
  })
  .refine((s) => s.drAvailabilityZones.every((z) => z.startsWith(s.drRegion)), {
    path: ['drAvailabilityZones'],
    message: 'every zone must be in drRegion',
  })
  .refine((s) => new Set(s.shardGroups.map((g) => g.id)).size === s.shardGroups.length, {
    path: ['shardGroups'],
    message: 'shard group ids must be unique',
  })
  .refine((s) => !s.protectData || s.shardGroups.every((g) => g.minAcu >= 0.5), {
    path: ['shardGroups'],
    message: 'a protected stage needs minAcu of at least 0.5 in every shard group (no auto-pause)',
  })
  .refine((s) => s.retention.continuousBackupDays <= s.retention.dailySnapshotDays, {
    path: ['retention', 'dailySnapshotDays'],
    message: 'must be at least continuousBackupDays',
  });

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.output<typeof stageConfigSchema>;
export type ShardGroupConfig = z.output<typeof shardGroupSchema>;

/** The stages that ship with the project. Pick one with `-c stage=NAME`. */
export const defaultStages: Record<string, StageConfigInput> = {
  dev: {
    name: 'dev',
    jurisdiction: 'eu',
    primaryRegion: 'eu-west-1',
    drRegion: 'eu-central-1',
    primaryAvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
    drAvailabilityZones: ['eu-central-1a', 'eu-central-1b'],
    // Cheap: pauses to zero when idle, no Global Database.
    shardGroups: [{ id: 'sg1', minAcu: 0, maxAcu: 4, autoPauseSeconds: 600, maxSchools: 100, globalDatabase: false }],
    web: { rateLimitPer5Minutes: 2000 },
    api: { throttleRateLimit: 50, throttleBurstLimit: 100 },
    alarmEmail: 'platform-alerts@campus.example',
    operatorEmail: 'onboarding@campus.example',
    retention: {
      continuousBackupDays: 7,
      dailySnapshotDays: 7,
      logDays: 14,
      exportDays: 30,
      reportDays: 30,
      importDays: 3,
      accessLogDays: 30,
    },
    auth: { domainPrefix: 'campus-cloud-dev' },
    messaging: { mailDomain: 'mail.dev.campus.example' },
    databaseInsights: 'standard',
    protectData: false,
    logLevel: 'DEBUG',
  },
  prod: {
    name: 'prod',
    jurisdiction: 'eu',
    primaryRegion: 'eu-west-1',
    drRegion: 'eu-central-1',
    primaryAvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    drAvailabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    // About 100 schools per cluster, as the scalability plan's federation phase.
    shardGroups: [
      { id: 'sg1', minAcu: 0.5, maxAcu: 64, maxSchools: 100, globalDatabase: true },
      { id: 'sg2', minAcu: 0.5, maxAcu: 64, maxSchools: 100, globalDatabase: true },
    ],
    web: { rateLimitPer5Minutes: 5000 },
    api: { throttleRateLimit: 1000, throttleBurstLimit: 2000 },
    alarmEmail: 'platform-oncall@campus.example',
    operatorEmail: 'onboarding@campus.example',
    retention: {
      continuousBackupDays: 35,
      dailySnapshotDays: 365,
      logDays: 365,
      exportDays: 2555,
      reportDays: 2555,
      importDays: 7,
      accessLogDays: 365,
    },
    auth: { domainPrefix: 'campus-cloud-prod' },
    messaging: { mailDomain: 'mail.campus.example' },
    databaseInsights: 'advanced',
    protectData: true,
    logLevel: 'INFO',
  },
};

/** Thrown when a stage configuration does not satisfy the schema; the message names each bad field. */
export class StageConfigError extends Error {
  constructor(
    readonly stage: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `Invalid configuration for stage "${stage}":\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
    );
    this.name = 'StageConfigError';
  }
}

/** Validates a stage configuration, throwing a {@link StageConfigError} that names every bad field. */
export function parseStageConfig(stage: string, input: unknown): StageConfig {
  const result = stageConfigSchema.safeParse(input);
  if (!result.success) {
    throw new StageConfigError(
      stage,
      result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
    );
  }
  return result.data;
}

/** Names of the stages that ship with the project, in synth order. */
export const stageNames = Object.keys(defaultStages);

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `override` into `base`: objects merge key by key, anything else (arrays too) replaces. */
export function deepMerge(base: Plain, override: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isPlain(value) && isPlain(out[key]) ? deepMerge(out[key], value) : value;
  }
  return out;
}

/** A partial stage configuration, merged over a shipped stage. */
export type StageOverrides = { [K in keyof StageConfigInput]?: unknown };

/** Loads one of the shipped stages, with overrides deep-merged over it (from context or tests). */
export function loadStageConfig(name: string, overrides: StageOverrides = {}): StageConfig {
  const base = defaultStages[name];
  if (!base) {
    throw new StageConfigError(name, [
      { path: 'stage', message: `unknown stage; choose one of ${stageNames.join(', ')}` },
    ]);
  }
  return parseStageConfig(name, deepMerge(base, overrides));
}

/** What happens to stateful resources when their stack is deleted: kept in protected stages. */
export function removalPolicyOf(config: Pick<StageConfig, 'protectData'>): RemovalPolicy {
  return config.protectData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/** The region the application stacks run in: the primary one, or the DR one after a failover. */
export function servingRegion(config: Pick<StageConfig, 'activeRegion' | 'primaryRegion' | 'drRegion'>): string {
  return config.activeRegion === 'dr' ? config.drRegion : config.primaryRegion;
}

/** The countries whose schools a stage takes: its own list, or all of its jurisdiction's. */
export function servedCountries(config: Pick<StageConfig, 'jurisdiction' | 'countries'>): readonly string[] {
  return config.countries ?? jurisdictions[config.jurisdiction].countries;
}

/** Prefix of every stack and resource name of a stage, e.g. `campus-dev`. */
export function stagePrefix(config: Pick<StageConfig, 'name'>): string {
  return stagePrefixOf(config.name);
}
