import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export { dataApiServices, metricNames, metricsNamespace, type ServiceName, serviceNames } from './telemetry-names';
import { metricsNamespace } from './telemetry-names';

// Service name and log level come from POWERTOOLS_* variables that the SchoolFunction construct sets.
export const logger = new Logger();
export const metrics = new Metrics({ namespace: metricsNamespace });
export const tracer = new Tracer();
