import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

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

// Service name and log level come from POWERTOOLS_* variables that the SchoolFunction construct sets.
export const logger = new Logger();
export const metrics = new Metrics({ namespace: metricsNamespace });
export const tracer = new Tracer();
