/**
 * SQL (a subquery) for the academic year under way: the latest that has started, or, before
 * any has, the one starting soonest. Scoring and reports read "this year" the same way.
 */
export const currentAcademicYearSql = `SELECT id, starts_on, ends_on FROM academic_years
   ORDER BY starts_on <= current_date DESC, abs(starts_on - current_date) LIMIT 1`;
