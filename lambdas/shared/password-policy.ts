import type { MessageLanguage } from './notification-kinds';

/** The user pool's password policy: the auth stack sets it, the local user pool enforces it, pages explain it. */
export const passwordPolicy = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
} as const;

const rules: readonly { test: (password: string) => boolean; words: Readonly<Record<MessageLanguage, string>> }[] = [
  {
    test: (p) => [...p].length >= passwordPolicy.minLength,
    words: {
      en: `at least ${passwordPolicy.minLength} characters`,
      pt: `pelo menos ${passwordPolicy.minLength} caracteres`,
    },
  },
  { test: (p) => /[a-z]/.test(p), words: { en: 'a lowercase letter', pt: 'uma letra minúscula' } },
  { test: (p) => /[A-Z]/.test(p), words: { en: 'an uppercase letter', pt: 'uma letra maiúscula' } },
  { test: (p) => /[0-9]/.test(p), words: { en: 'a digit', pt: 'um algarismo' } },
  { test: (p) => /[^A-Za-z0-9\s]/.test(p), words: { en: 'a symbol such as ! or #', pt: 'um símbolo como ! ou #' } },
];

/** What a password lacks under the policy, in words of the language; empty when it meets it. */
export function passwordShortfalls(password: string, language: MessageLanguage = 'en'): string[] {
  return rules.filter((rule) => !rule.test(password)).map((rule) => rule.words[language]);
}
