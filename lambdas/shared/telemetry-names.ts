/**
 * The names the platform's telemetry goes by: services, the metrics namespace and the metrics
 * alarms watch. Pure definitions, so the CDK stacks read them without loading Powertools.
 */

/** CloudWatch namespace of every custom metric the platform publishes. */
export const metricsNamespace = 'CampusCloud';

/**
 * The services functions log and publish metrics under (Powertools' service name, the
 * `service` dimension of every custom metric), by bounded context.
 */
export const serviceNames = {
  api: 'campus-api',
  onboarding: 'campus-onboarding',
  batch: 'campus-batch',
  scoring: 'campus-scoring',
  auth: 'campus-auth',
} as const;
export type ServiceName = (typeof serviceNames)[keyof typeof serviceNames];

/** Services whose functions call the Data API: each one's `DataApiErrors` is alarmed (an invariant test keeps this true). */
export const dataApiServices: readonly ServiceName[] = [
  serviceNames.api,
  serviceNames.onboarding,
  serviceNames.batch,
  serviceNames.scoring,
];

/** Custom metric names that alarms in the observability stack watch. */
export const metricNames = {
  dataApiErrors: 'DataApiErrors',
  dataApiCalls: 'DataApiCalls',
} as const;
