import * as z from 'zod';
import { getObjectText, putObject } from '../shared/object-storage';
import { archiveRetentionDaysVariable, schoolSecretsVariable } from '../shared/platform-variables';
import { readShardGroups } from '../shared/runtime';
import { ShardGroupSlots } from '../shared/shard-group-slots';
import { TenantDirectory } from '../shared/tenant-directory';
import { CognitoUserDirectory } from '../shared/user-directory';
import type { FleetPorts } from './fleet-migration';
import type { OffboardingPorts } from './offboarding-steps';
import type { MovePorts } from './school-move';
import type { OnboardingPorts } from './onboarding-steps';

const schoolSecrets = z
  .object({
    kmsKeyId: z.string().min(1).optional(),
    replica: z.object({ region: z.string().min(1), kmsKeyId: z.string().min(1) }).optional(),
  })
  .strict();

/**
 * A port made on first use: a function's environment holds only what its own steps need (the
 * directory steps have no user pool), so nothing is read from it before a step asks.
 */
function lazily<T extends object>(make: { [K in keyof T]: () => T[K] }): T {
  const made = new Map<keyof T, unknown>();
  const ports = {} as T;
  for (const key of Object.keys(make) as (keyof T)[]) {
    Object.defineProperty(ports, key, {
      enumerable: true,
      get: () => {
        if (!made.has(key)) made.set(key, make[key]());
        return made.get(key);
      },
    });
  }
  return ports;
}

let directory: TenantDirectory | undefined;
const tenantDirectory = () => (directory ??= new TenantDirectory());
let onboarding: OnboardingPorts | undefined;
let offboarding: OffboardingPorts | undefined;
let fleet: FleetPorts | undefined;

/** The onboarding steps' ports, from the function's environment (made once per execution environment). */
export function onboardingPorts(): OnboardingPorts {
  return (onboarding ??= lazily<OnboardingPorts>({
    directory: tenantDirectory,
    slots: () => new ShardGroupSlots(),
    shardGroups: readShardGroups,
    users: () => new CognitoUserDirectory(),
    secrets: () => {
      const secrets = process.env[schoolSecretsVariable];
      return secrets ? schoolSecrets.parse(JSON.parse(secrets)) : {};
    },
  }));
}

/** The offboarding steps' ports: archives go to the exports bucket. */
export function offboardingPorts(): OffboardingPorts {
  return (offboarding ??= lazily<OffboardingPorts>({
    directory: tenantDirectory,
    slots: () => new ShardGroupSlots(),
    shardGroups: readShardGroups,
    users: () => new CognitoUserDirectory(),
    archives: () => ({
      put: (key: string, body: string | Uint8Array, contentType: string) =>
        putObject('exports', key, body, contentType),
      get: (key: string) => getObjectText('exports', key),
    }),
    retentionDays: () => Number(process.env[archiveRetentionDaysVariable] ?? 30),
  }));
}

/** The move steps' ports: copies go through an archive in the exports bucket. */
export function movePorts(): MovePorts {
  const onboard = onboardingPorts();
  const offboard = offboardingPorts();
  return lazily<MovePorts>({
    directory: () => onboard.directory,
    slots: () => onboard.slots,
    shardGroups: () => onboard.shardGroups,
    secrets: () => onboard.secrets,
    archives: () => offboard.archives,
  });
}

/** The fleet migration steps' ports. */
export function fleetPorts(): FleetPorts {
  return (fleet ??= lazily<FleetPorts>({ directory: tenantDirectory, shardGroups: readShardGroups }));
}
