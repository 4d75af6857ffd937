import * as z from 'zod';

/** As the school settings check it: any zone the runtime's time zone data knows. */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
const currencies = new Set(Intl.supportedValuesOf('currency'));
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
/** Groupings such as EU or UN have names too, but are no country. */
const notCountries = new Set(['EU', 'EZ', 'UN', 'ZZ', 'QO']);

function isCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !notCountries.has(code) && regionNames.of(code) !== code;
}

/** Plans a school can be on; the plan is recorded in the directory. */
export const plans = ['standard', 'premium'] as const;

/**
 * What an onboarding operator gives to bring a school live: the input of the onboarding
 * state machine, checked by its first state. `npm run onboard -- --schema` prints it as
 * JSON Schema.
 */
export const onboardingRequest = z
  .object({
    name: z.string().trim().min(1).max(200).describe('The school as its staff and guardians know it.'),
    slug: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, 'use 3–40 lowercase letters, digits and hyphens, starting with a letter')
      .describe('Unique short name of the school on the platform; it cannot be reused while the school exists.'),
    country: z
      .string()
      .refine(isCountry, 'is not an ISO 3166-1 alpha-2 country code such as PT')
      .describe('ISO 3166-1 alpha-2 country code.'),
    timezone: z
      .string()
      .refine(isTimeZone, 'is not an IANA time zone such as Europe/Lisbon')
      .describe('IANA time zone the school keeps its days in.'),
    currency: z
      .string()
      .refine((code) => currencies.has(code), 'is not an ISO 4217 currency code such as EUR')
      .describe('ISO 4217 currency of its fees.'),
    locale: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'use a language tag such as en or pt-PT')
      .default('en')
      .describe('Language and formats of the school, a BCP 47 tag.'),
    admin: z
      .object({
        name: z.string().trim().min(1).max(200),
        email: z
          .email()
          .max(254)
          .transform((email) => email.toLowerCase()),
      })
      .strict()
      .describe('The first school admin, who is invited to sign in.'),
    plan: z.enum(plans),
    shardGroupId: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,11}$/)
      .optional()
      .describe('Place the school in this shard group; by default the least-full group with room.'),
  })
  .strict();

export type OnboardingRequest = z.output<typeof onboardingRequest>;

/** An onboarding as it moves through the state machine: each state adds its part. */
export interface OnboardingState {
  readonly schoolId: string;
  readonly request: OnboardingRequest;
  readonly placement?: { readonly shardGroupId: string };
  readonly database?: { readonly secretArn: string };
  readonly migration?: { readonly schemaVersion: number };
  readonly adminUser?: { readonly email: string; readonly userId: string };
  /** Set by a Catch: the error that sent the execution to compensation. */
  readonly failure?: { readonly Error?: string; readonly Cause?: string };
}

/** JSON Schema of the onboarding input, for operators and their tools. */
export function onboardingInputJsonSchema() {
  return z.toJSONSchema(onboardingRequest, { io: 'input' });
}
