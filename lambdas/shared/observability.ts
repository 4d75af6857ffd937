import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** CloudWatch namespace of every custom metric the platform publishes. */
export const metricsNamespace = 'CampusCloud';

/** Custom metric names that alarms in the observability stack watch. */
export const metricNames = {
  dataApiErrors: 'DataApiErrors',
  dataApiCalls: 'DataApiCalls',
} as const;

// Service name and log level come from POWERTOOLS_* variables that the SchoolFunction construct sets.
export const logger = new Logger();
export const metrics = new Metrics({ namespace: metricsNamespace });
export const tracer = new Tracer();
