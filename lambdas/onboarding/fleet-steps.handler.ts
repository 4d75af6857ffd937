import {
  checkWaves,
  type FleetPlan,
  type FleetResults,
  fleetReport,
  migrateSchool,
  planWaves,
  type SchoolRef,
} from './fleet-migration';
import { stepHandler } from '../shared/step-handler';
import { fleetPorts } from './workflow-ports';

/** Fleet migration steps: plan the waves, migrate one school, check a wave, report. */
export const handler = stepHandler({
  'plan-waves': (event) => planWaves(event.input, fleetPorts()),
  'migrate-school': (event) => migrateSchool(event.school as SchoolRef, fleetPorts()),
  'check-waves': (event) => checkWaves(event.plan as FleetPlan, event.results as FleetResults),
  report: (event) => fleetReport(event.plan as FleetPlan, event.results as FleetResults),
});
