import { randomInt } from 'node:crypto';
import type { SynthesizedStack } from '../step-functions/template-values';
import type { SecretStore } from './secret-store';

interface GenerateSecretString {
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
  PasswordLength?: number;
  ExcludePunctuation?: boolean;
}

const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const punctuation = '!#$%&()*+,-.:;<=>?@[]^_{|}~';

/**
 * Creates, as deployment would, the secrets the stacks declare with a generated value (the Web
 * Push key's seed), once: a secret kept from an earlier run keeps its value. The local store
 * holds the `{ username, password }` shape only, so a generated secret must have that shape.
 */
export function createTemplateSecrets(stacks: readonly SynthesizedStack[], store: SecretStore): string[] {
  const created: string[] = [];
  for (const { stackName, template } of stacks) {
    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      const properties = (resource.Properties ?? {}) as { Name?: unknown; GenerateSecretString?: GenerateSecretString };
      const generate = properties.GenerateSecretString;
      if (!generate) continue;
      if (typeof properties.Name !== 'string') {
        throw new Error(`${stackName}/${logicalId}: a generated secret needs a fixed name on the local platform.`);
      }
      const shape = JSON.parse(generate.SecretStringTemplate ?? '{}') as { username?: unknown };
      if (generate.GenerateStringKey !== 'password' || typeof shape.username !== 'string') {
        throw new Error(
          `${stackName}/${logicalId}: the local Secrets Manager keeps { username, password } secrets only.`,
        );
      }
      if (store.arnOf(properties.Name)) continue;
      const alphabet = generate.ExcludePunctuation ? letters : letters + punctuation;
      const password = Array.from(
        { length: generate.PasswordLength ?? 32 },
        () => alphabet[randomInt(alphabet.length)],
      ).join('');
      store.put(properties.Name, { username: shape.username, password });
      created.push(properties.Name);
    }
  }
  return created;
}
