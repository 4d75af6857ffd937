/**
 * Names the CDK stacks and the handlers agree on (environment variables and tags). Pure
 * definitions, so the stacks can read them without loading any handler code.
 */

/** The tenant-scoped role a handler assumes for school data (the TenantDataAccess construct's role). */
export const tenantRoleVariable = 'CAMPUS_TENANT_ROLE_ARN';
/** Session tag, and tag on each school's secret, carrying the school id: the role reads only matching secrets. */
export const schoolIdTag = 'campus:school-id';
/** The user pool that staff and guardians sign in to (the auth stack's pool on AWS). */
export const userPoolVariable = 'CAMPUS_USER_POOL_ID';
/** How school secrets are kept: their key and DR replica (JSON); unset on the local platform. */
export const schoolSecretsVariable = 'CAMPUS_SCHOOL_SECRETS';
/** Days the record and archive of an offboarded school are kept (the stage's export retention). */
export const archiveRetentionDaysVariable = 'CAMPUS_ARCHIVE_RETENTION_DAYS';
/** Days the stage keeps its backups (daily snapshots and their DR copies): how long the erasure register must remember. */
export const backupsKeptDaysVariable = 'CAMPUS_BACKUPS_KEPT_DAYS';
/** The countries whose schools the stage takes (its jurisdiction's, or its own list), comma-separated. */
export const servedCountriesVariable = 'CAMPUS_SERVED_COUNTRIES';
/** How long API functions trust a directory read, in seconds (the stage's `api.directoryCacheSeconds`). */
export const directoryCacheSecondsVariable = 'CAMPUS_DIRECTORY_CACHE_SECONDS';

/** The scoring run state machine that `POST /api/v1/analytics/runs` starts. */
export const scoringRunArnVariable = 'CAMPUS_SCORING_RUN_ARN';

/** The onboarding state machine whose runs platform operators follow (`GET /api/v1/platform/onboarding-runs`). */
export const onboardingArnVariable = 'CAMPUS_ONBOARDING_ARN';

/** Name of the variable that maps shard group ids to their clusters' ARNs. */
export const shardGroupClustersVariable = 'CAMPUS_SHARD_GROUP_CLUSTERS';

/** Name of the variable that tells the lifecycle workflows each shard group's cluster, master secret and capacity. */
export const shardGroupsVariable = 'CAMPUS_SHARD_GROUPS';

/** The address notification e-mail is sent from (`notifications@<stage mail domain>`); the school's name is its display name. */
export const mailFromVariable = 'CAMPUS_MAIL_FROM';
/** The SES configuration set every notification e-mail is sent through (events, suppression, reputation). */
export const emailConfigurationSetVariable = 'CAMPUS_EMAIL_CONFIGURATION_SET';
/** The End User Messaging SMS configuration set every text message is sent through. */
export const smsConfigurationSetVariable = 'CAMPUS_SMS_CONFIGURATION_SET';
/** The live API's connection management URL (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`). */
export const liveCallbackUrlVariable = 'CAMPUS_LIVE_CALLBACK_URL';
/** Where the web app opens its live connection, on its own origin: CloudFront and the local gateway route it to the live API. */
export const livePath = '/live';
/** Where schools open the web app (`https://…`, no trailing slash): the links in messages point there. */
export const appOriginVariable = 'CAMPUS_APP_ORIGIN';
/** The Secrets Manager secret (by name) whose random value seeds the notification keys: VAPID (Web Push) and invitation links. */
export const notificationKeysSecretVariable = 'CAMPUS_NOTIFICATION_KEYS_SECRET';
/** Messages a second one school's bulk sends go at, at most (the stage's `messaging.bulkSendsPerSecondPerSchool`). */
export const bulkSendRateVariable = 'CAMPUS_BULK_SENDS_PER_SECOND_PER_SCHOOL';
/** The issuer of the user pool's tokens (`https://cognito-idp.<region>.amazonaws.com/<pool>`), whose keys the integrations' authorizer checks. */
export const tokenIssuerVariable = 'CAMPUS_TOKEN_ISSUER';
