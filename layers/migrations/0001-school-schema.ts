import type { Migration } from './migration';

/**
 * The school database: settings, the academic calendar, structure (grade levels, classes,
 * subjects, assignments), people (staff, students, guardians), attendance, assessments,
 * fees and an append-only audit log. Money is integer minor units; natural unique keys
 * (admission number, student + date, payment client key) make every retry safe.
 */
export const schoolSchema: Migration = {
  version: 1,
  name: 'school schema',
  statements: [
    `CREATE TABLE school_settings (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      timezone text NOT NULL,
      currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      locale text NOT NULL DEFAULT 'en',
      grading_scale jsonb NOT NULL,
      pass_mark numeric(6, 2) NOT NULL CHECK (pass_mark >= 0),
      chronic_absence_rate numeric(4, 3) NOT NULL DEFAULT 0.9 CHECK (chronic_absence_rate BETWEEN 0 AND 1),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE TABLE academic_years (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE,
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      CHECK (starts_on < ends_on)
    )`,
    `CREATE TABLE terms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      academic_year_id uuid NOT NULL REFERENCES academic_years (id),
      name text NOT NULL,
      starts_on date NOT NULL,
      ends_on date NOT NULL,
      UNIQUE (academic_year_id, name),
      CHECK (starts_on < ends_on)
    )`,
    `CREATE TABLE grade_levels (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL UNIQUE,
      ordinal integer NOT NULL UNIQUE
    )`,
    `CREATE TABLE staff (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_sub text UNIQUE,
      email text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('school-admin', 'teacher', 'bursar')),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'deactivated')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX staff_email ON staff (lower(email))`,
    `CREATE TABLE classes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      academic_year_id uuid NOT NULL REFERENCES academic_years (id),
      grade_level_id uuid NOT NULL REFERENCES grade_levels (id),
      name text NOT NULL,
      homeroom_teacher_id uuid REFERENCES staff (id),
      UNIQUE (academic_year_id, name)
    )`,
    `CREATE TABLE subjects (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      name text NOT NULL
    )`,
    `CREATE TABLE teaching_assignments (
      staff_id uuid NOT NULL REFERENCES staff (id),
      class_id uuid NOT NULL REFERENCES classes (id),
      subject_id uuid NOT NULL REFERENCES subjects (id),
      PRIMARY KEY (class_id, subject_id, staff_id)
    )`,
    `CREATE INDEX teaching_assignments_staff ON teaching_assignments (staff_id)`,
    `CREATE TABLE students (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      admission_no text NOT NULL UNIQUE,
      given_name text NOT NULL,
      family_name text NOT NULL,
      date_of_birth date,
      class_id uuid REFERENCES classes (id),
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'graduated')),
      enrolled_on date NOT NULL DEFAULT current_date,
      withdrawn_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX students_class ON students (class_id, family_name, given_name)`,
    `CREATE INDEX students_name ON students (lower(family_name || ' ' || given_name) text_pattern_ops)`,
    `CREATE TABLE enrolments (
      student_id uuid NOT NULL REFERENCES students (id),
      academic_year_id uuid NOT NULL REFERENCES academic_years (id),
      class_id uuid NOT NULL REFERENCES classes (id),
      PRIMARY KEY (student_id, academic_year_id)
    )`,
    `CREATE TABLE guardians (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_sub text UNIQUE,
      name text NOT NULL,
      email text,
      phone text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE UNIQUE INDEX guardians_email ON guardians (lower(email)) WHERE email IS NOT NULL`,
    `CREATE TABLE student_guardians (
      student_id uuid NOT NULL REFERENCES students (id),
      guardian_id uuid NOT NULL REFERENCES guardians (id),
      relationship text NOT NULL,
      PRIMARY KEY (student_id, guardian_id)
    )`,
    `CREATE INDEX student_guardians_guardian ON student_guardians (guardian_id)`,
    `CREATE TABLE attendance (
      student_id uuid NOT NULL REFERENCES students (id),
      on_date date NOT NULL,
      class_id uuid NOT NULL REFERENCES classes (id),
      status text NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
      note text CHECK (length(note) <= 500),
      marked_by text NOT NULL,
      marked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (student_id, on_date)
    )`,
    `CREATE INDEX attendance_class_day ON attendance (class_id, on_date)`,
    `CREATE INDEX attendance_day ON attendance (on_date)`,
    `CREATE TABLE assessments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      class_id uuid NOT NULL REFERENCES classes (id),
      subject_id uuid NOT NULL REFERENCES subjects (id),
      term_id uuid NOT NULL REFERENCES terms (id),
      name text NOT NULL,
      max_score numeric(8, 2) NOT NULL CHECK (max_score > 0),
      weight numeric(6, 3) NOT NULL DEFAULT 1 CHECK (weight > 0),
      held_on date,
      UNIQUE (class_id, subject_id, term_id, name)
    )`,
    `CREATE TABLE scores (
      assessment_id uuid NOT NULL REFERENCES assessments (id),
      student_id uuid NOT NULL REFERENCES students (id),
      score numeric(8, 2) NOT NULL CHECK (score >= 0),
      entered_by text NOT NULL,
      entered_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (assessment_id, student_id)
    )`,
    `CREATE INDEX scores_student ON scores (student_id)`,
    `CREATE TABLE fee_structures (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      term_id uuid NOT NULL REFERENCES terms (id),
      grade_level_id uuid REFERENCES grade_levels (id),
      category text NOT NULL,
      name text NOT NULL,
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      due_on date NOT NULL,
      UNIQUE NULLS NOT DISTINCT (term_id, grade_level_id, name)
    )`,
    `CREATE TABLE invoices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      student_id uuid NOT NULL REFERENCES students (id),
      fee_structure_id uuid NOT NULL REFERENCES fee_structures (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      issued_on date NOT NULL DEFAULT current_date,
      due_on date NOT NULL,
      UNIQUE (student_id, fee_structure_id)
    )`,
    `CREATE TABLE payments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      receipt_no bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
      client_key text NOT NULL UNIQUE,
      student_id uuid NOT NULL REFERENCES students (id),
      invoice_id uuid REFERENCES invoices (id),
      amount_minor bigint NOT NULL CHECK (amount_minor > 0),
      method text NOT NULL CHECK (method IN ('cash', 'bank-transfer', 'card', 'mobile-money', 'other')),
      paid_on date NOT NULL,
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now()
    )`,
    `CREATE INDEX payments_student ON payments (student_id)`,
    `CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text NOT NULL,
      action text NOT NULL,
      entity text NOT NULL,
      entity_id text,
      before jsonb,
      after jsonb
    )`,
    `CREATE INDEX audit_log_entity ON audit_log (entity, entity_id)`,
    // Append-only even for the table's owner: corrections are new entries.
    `CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END
    $$`,
    `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
  ],
};
