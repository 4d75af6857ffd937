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

let directory: TenantDirectory | undefined;
let offboarding: OffboardingPorts | undefined;
let onboarding: OnboardingPorts | undefined;
let fleet: FleetPorts | undefined;

/** The onboarding steps' ports, from the function's environment (made once per execution environment). */
export function onboardingPorts(): OnboardingPorts {
  const secrets = process.env[schoolSecretsVariable];
  return (onboarding ??= {
    directory: (directory ??= new TenantDirectory()),
    slots: new ShardGroupSlots(),
    shardGroups: readShardGroups(),
    users: new CognitoUserDirectory(),
    secrets: secrets ? schoolSecrets.parse(JSON.parse(secrets)) : {},
  });
}

/** The offboarding steps' ports: archives go to the exports bucket. */
export function offboardingPorts(): OffboardingPorts {
  return (offboarding ??= {
    directory: (directory ??= new TenantDirectory()),
    slots: new ShardGroupSlots(),
    shardGroups: readShardGroups(),
    users: new CognitoUserDirectory(),
    archives: {
      put: (key, body, contentType) => putObject('exports', key, body, contentType),
      get: (key) => getObjectText('exports', key),
    },
    retentionDays: Number(process.env[archiveRetentionDaysVariable] ?? 30),
  });
}

/** The move steps' ports: copies go through an archive in the exports bucket. */
export function movePorts(): MovePorts {
  const { directory: d, slots, shardGroups, secrets } = onboardingPorts();
  const { archives } = offboardingPorts();
  return { directory: d, slots, shardGroups, secrets, archives };
}

/** The fleet migration steps' ports. */
export function fleetPorts(): FleetPorts {
  return (fleet ??= { directory: (directory ??= new TenantDirectory()), shardGroups: readShardGroups() });
}
