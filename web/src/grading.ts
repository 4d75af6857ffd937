import type { SchoolSettings } from './api/types';

/** The band of the school's scale a percentage reaches (the scale always has a band at 0). */
export function gradeLabel(percent: number, scale: SchoolSettings['gradingScale'] | undefined): string {
  if (!scale?.length) return '';
  const band = [...scale].sort((a, b) => b.minPercent - a.minPercent).find((b) => percent >= b.minPercent);
  return band?.label ?? '';
}
