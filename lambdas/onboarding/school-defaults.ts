import type { OnboardingRequest } from './onboarding.schemas';

/** What a new school starts with; its admin changes any of it through the API. */
export interface SchoolDefaults {
  readonly settings: {
    readonly name: string;
    readonly timezone: string;
    readonly currency: string;
    readonly locale: string;
    readonly gradingScale: readonly { label: string; minPercent: number }[];
    readonly passMarkPercent: number;
    readonly chronicAbsenceRate: number;
  };
  readonly academicYear: {
    readonly name: string;
    readonly startsOn: string;
    readonly endsOn: string;
    readonly terms: readonly { name: string; startsOn: string; endsOn: string }[];
  };
  readonly feeCategories: readonly { code: string; name: string }[];
  /** Analytics settings beyond the platform's defaults (`school_settings.analytics`). */
  readonly analytics: { readonly parentalConsentUnder?: number };
}

/**
 * Countries whose law asks a parent's consent before a child's data is processed below an age:
 * the United States (COPPA, under 13). A school elsewhere sets its own in its analytics settings.
 */
const parentalConsentAges: Readonly<Record<string, number>> = { US: 13 };

/**
 * Countries whose school year follows the calendar year (southern hemisphere); elsewhere it
 * starts in September. A school with another calendar edits its terms.
 */
const calendarYearCountries = new Set(['AR', 'AU', 'BR', 'BO', 'CL', 'NZ', 'PE', 'PY', 'UY', 'ZA', 'NA', 'BW']);

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

/** The academic year a school joining on `today` works in: the current one, or the next if it starts soon. */
function academicYear(country: string, today: Date): SchoolDefaults['academicYear'] {
  const year = today.getUTCFullYear();
  const month = today.getUTCMonth() + 1;
  if (calendarYearCountries.has(country)) {
    const y = month === 12 ? year + 1 : year;
    return {
      name: String(y),
      startsOn: iso(y, 2, 1),
      endsOn: iso(y, 12, 10),
      terms: [
        { name: 'Term 1', startsOn: iso(y, 2, 1), endsOn: iso(y, 4, 30) },
        { name: 'Term 2', startsOn: iso(y, 5, 15), endsOn: iso(y, 8, 31) },
        { name: 'Term 3', startsOn: iso(y, 9, 15), endsOn: iso(y, 12, 10) },
      ],
    };
  }
  // From August on, the year about to start; before, the one under way.
  const y = month >= 8 ? year : year - 1;
  return {
    name: `${y}-${String((y + 1) % 100).padStart(2, '0')}`,
    startsOn: iso(y, 9, 1),
    endsOn: iso(y + 1, 7, 15),
    terms: [
      { name: 'Term 1', startsOn: iso(y, 9, 1), endsOn: iso(y, 12, 18) },
      { name: 'Term 2', startsOn: iso(y + 1, 1, 5), endsOn: iso(y + 1, 3, 31) },
      { name: 'Term 3', startsOn: iso(y + 1, 4, 14), endsOn: iso(y + 1, 7, 15) },
    ],
  };
}

export function schoolDefaults(request: OnboardingRequest, today: Date = new Date()): SchoolDefaults {
  return {
    settings: {
      name: request.name,
      timezone: request.timezone,
      currency: request.currency,
      locale: request.locale,
      gradingScale: [
        { label: 'A', minPercent: 85 },
        { label: 'B', minPercent: 70 },
        { label: 'C', minPercent: 55 },
        { label: 'D', minPercent: 40 },
        { label: 'F', minPercent: 0 },
      ],
      passMarkPercent: 50,
      chronicAbsenceRate: 0.9,
    },
    academicYear: academicYear(request.country, today),
    analytics: parentalConsentAges[request.country]
      ? { parentalConsentUnder: parentalConsentAges[request.country] }
      : {},
    feeCategories: [
      { code: 'tuition', name: 'Tuition' },
      { code: 'registration', name: 'Registration' },
      { code: 'books', name: 'Books and materials' },
      { code: 'uniform', name: 'Uniform' },
      { code: 'meals', name: 'Meals' },
      { code: 'transport', name: 'Transport' },
      { code: 'activities', name: 'Trips and activities' },
      { code: 'exams', name: 'Examinations' },
    ],
  };
}
