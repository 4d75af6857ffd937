import type { SchoolRequest } from './school-handler';

/** Who is asking, as the class and subject access checks need it. */
export interface Caller {
  readonly userId: string;
  readonly isAdmin: boolean;
}

export const callerOf = ({ principal }: Pick<SchoolRequest, 'principal'>): Caller => ({
  userId: principal.userId,
  isAdmin: principal.roles.includes('school-admin'),
});

/**
 * SQL (a CTE named `caller`) with one row when the caller may work with the class
 * `:classId`: a school admin (`:isAdmin`), its home-room teacher, or a teacher assigned
 * to one of its subjects, as an active member of staff (`:actor` is their user id).
 */
export const classAccessCte = `caller AS (
  SELECT 1 AS allowed WHERE :isAdmin OR EXISTS (
    SELECT 1 FROM staff st
     WHERE st.user_sub = :actor AND st.status = 'active'
       AND (EXISTS (SELECT 1 FROM classes c WHERE c.id = :classId AND c.homeroom_teacher_id = st.id)
            OR EXISTS (SELECT 1 FROM teaching_assignments ta WHERE ta.class_id = :classId AND ta.staff_id = st.id))
  )
)`;

/**
 * SQL (a CTE named `caller`) with one row when the caller may grade subject `:subjectId`
 * in class `:classId`: a school admin (`:isAdmin`), or an active teacher assigned to
 * exactly that subject in that class.
 */
export const subjectAccessCte = `caller AS (
  SELECT 1 AS allowed WHERE :isAdmin OR EXISTS (
    SELECT 1 FROM staff st JOIN teaching_assignments ta ON ta.staff_id = st.id
     WHERE st.user_sub = :actor AND st.status = 'active' AND ta.class_id = :classId AND ta.subject_id = :subjectId
  )
)`;

/**
 * SQL (a subquery) for the classes a teacher works with: those they are assigned a subject
 * in or are home-room teacher of, as an active member of staff (`:actor` is their user id).
 */
export const myClassesSql = `SELECT ta.class_id FROM teaching_assignments ta JOIN staff st ON st.id = ta.staff_id
   WHERE st.user_sub = :actor AND st.status = 'active'
  UNION
  SELECT c.id FROM classes c JOIN staff st ON st.id = c.homeroom_teacher_id
   WHERE st.user_sub = :actor AND st.status = 'active'`;
