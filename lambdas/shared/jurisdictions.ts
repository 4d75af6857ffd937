/**
 * The data-protection jurisdictions a stage may serve: the AWS regions inside each (a stage's
 * primary and DR regions both, so that no copy of a school's data, backups and replicas included,
 * leaves it) and the countries whose schools it takes. EU: the GDPR's European Economic Area,
 * served from the regions in EU member states.
 */
export const jurisdictions = {
  eu: {
    name: 'European Economic Area (GDPR)',
    regions: ['eu-west-1', 'eu-west-3', 'eu-central-1', 'eu-north-1', 'eu-south-1', 'eu-south-2'],
    // The 27 EU member states, then Iceland, Liechtenstein and Norway.
    countries: 'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(' '),
  },
  us: {
    name: 'United States (FERPA, COPPA)',
    regions: ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'],
    countries: ['US'],
  },
  ca: {
    name: 'Canada (PIPEDA and provincial law)',
    regions: ['ca-central-1', 'ca-west-1'],
    countries: ['CA'],
  },
  au: {
    name: 'Australia (Privacy Act)',
    regions: ['ap-southeast-2', 'ap-southeast-4'],
    countries: ['AU'],
  },
} satisfies Record<string, { name: string; regions: readonly string[]; countries: readonly string[] }>;

export type Jurisdiction = keyof typeof jurisdictions;
export const jurisdictionIds = Object.keys(jurisdictions) as [Jurisdiction, ...Jurisdiction[]];

/** Why a school of `country` cannot be onboarded on a stage serving `served` (comma-separated codes), or undefined. */
export function countryNotServed(country: string, served: string | undefined): string | undefined {
  if (!served) return undefined;
  const countries = served.split(',');
  return countries.includes(country)
    ? undefined
    : `this stage keeps data only where its jurisdiction's law applies and serves schools in ${countries.join(', ')}; onboard a school in ${country} on the stage of its jurisdiction`;
}
