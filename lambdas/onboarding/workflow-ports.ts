import * as z from 'zod';
import { schoolSecretsVariable } from '../shared/platform-variables';
import { readShardGroups } from '../shared/runtime';
import { ShardGroupSlots } from '../shared/shard-group-slots';
import { TenantDirectory } from '../shared/tenant-directory';
import { CognitoUserDirectory } from '../shared/user-directory';
import type { FleetPorts } from './fleet-migration';
import type { OnboardingPorts } from './onboarding-steps';
import type { SchoolSecretsOptions } from './school-provisioning';

const schoolSecrets = z
  .object({
    kmsKeyId: z.string().min(1).optional(),
    replica: z.object({ region: z.string().min(1), kmsKeyId: z.string().min(1) }).optional(),
  })
  .strict();

let directory: TenantDirectory | undefined;
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
    secrets: secrets ? (schoolSecrets.parse(JSON.parse(secrets)) as SchoolSecretsOptions) : {},
  });
}

/** The fleet migration steps' ports. */
export function fleetPorts(): FleetPorts {
  return (fleet ??= { directory: (directory ??= new TenantDirectory()), shardGroups: readShardGroups() });
}
