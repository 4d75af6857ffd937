import type { Migration } from './migration';

/** The tables whose rows the OneRoster views show, with when each row last changed. */
const touchedTables = [
  'academic_years',
  'terms',
  'grade_levels',
  'subjects',
  'classes',
  'staff',
  'guardians',
  'assessments',
  'school_settings',
  'students',
] as const;

/** Link tables: a row is created or deleted, never changed, so when it was made is when it last changed. */
const linkTables = ['teaching_assignments', 'enrolments', 'student_guardians'] as const;

/**
 * When each record last changed, for integrations that sync only what changed since their last run
 * (OneRoster's `dateLastModified`): every table an integration reads gets `updated_at`, kept by a
 * trigger so no write path can forget it. Records that disappear (an erased student, a removed
 * teaching assignment, a student moved to another class) leave a removal behind in
 * `roster_removals`, so a delta sync learns to delete them too; its ids are made by the same
 * `roster_id` function as the records' own, so they match. Every score has the id of its result
 * (`scores.result_sourced_id`): the one an integration sent it under, so its next `PUT` of that id
 * finds it, or one made of its assessment and student.
 */
export const changeTimes: Migration = {
  version: 19,
  name: 'change times',
  statements: [
    `CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END
    $$`,
    ...touchedTables.flatMap((table) => [
      ...(table === 'students' || table === 'school_settings'
        ? []
        : [`ALTER TABLE ${table} ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now()`]),
      `CREATE TRIGGER ${table}_touch BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION touch_updated_at()`,
    ]),
    ...linkTables.map((table) => `ALTER TABLE ${table} ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`),
    // A stable id for a record made of others (a class's subject, a person's place in a class): the same parts, the same id.
    `CREATE FUNCTION roster_id(kind text, VARIADIC parts uuid[]) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT md5(kind || ':' || array_to_string(parts, ':'))::uuid
     $$`,
    // Every score is a result with an id of its own: the one an integration sent it under, or one made of its assessment and student.
    `ALTER TABLE scores ADD COLUMN result_sourced_id text CHECK (length(result_sourced_id) BETWEEN 1 AND 255)`,
    `UPDATE scores SET result_sourced_id = roster_id('result', assessment_id, student_id)::text`,
    `ALTER TABLE scores ALTER COLUMN result_sourced_id SET NOT NULL`,
    `CREATE UNIQUE INDEX scores_result_sourced_id ON scores (result_sourced_id)`,
    `CREATE FUNCTION name_result() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.result_sourced_id := coalesce(NEW.result_sourced_id, roster_id('result', NEW.assessment_id, NEW.student_id)::text);
        RETURN NEW;
      END
    $$`,
    `CREATE TRIGGER scores_result_id BEFORE INSERT ON scores FOR EACH ROW EXECUTE FUNCTION name_result()`,
    `CREATE INDEX scores_entered_at ON scores (entered_at)`,
    `CREATE TABLE roster_removals (
      sourced_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('user', 'enrollment')),
      -- The role of the removed user or enrollment, and an enrollment's person and class, which its removal still names.
      user_id uuid,
      class_id uuid,
      role text NOT NULL,
      removed_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((kind = 'enrollment') = (user_id IS NOT NULL AND class_id IS NOT NULL))
    )`,
    `CREATE INDEX roster_removals_kind ON roster_removals (kind, removed_at)`,
    `CREATE FUNCTION record_roster_removals() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'students' THEN
          IF TG_OP = 'DELETE' THEN
            INSERT INTO roster_removals (sourced_id, kind, role) VALUES (OLD.id, 'user', 'student')
              ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
              class_id = excluded.class_id, role = excluded.role;
          END IF;
          IF OLD.class_id IS NOT NULL AND (TG_OP = 'DELETE' OR NEW.class_id IS DISTINCT FROM OLD.class_id) THEN
            INSERT INTO roster_removals (sourced_id, kind, user_id, class_id, role)
              SELECT roster_id('enrollment', OLD.id, OLD.class_id), 'enrollment', OLD.id, OLD.class_id, 'student'
              UNION SELECT roster_id('enrollment', OLD.id, roster_id('class', c.class_id, c.subject_id)), 'enrollment',
                           OLD.id, roster_id('class', c.class_id, c.subject_id), 'student'
                FROM (SELECT class_id, subject_id FROM teaching_assignments WHERE class_id = OLD.class_id
                      UNION SELECT class_id, subject_id FROM assessments WHERE class_id = OLD.class_id) c
              ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
              class_id = excluded.class_id, role = excluded.role;
          END IF;
        ELSIF TG_TABLE_NAME = 'guardians' THEN
          INSERT INTO roster_removals (sourced_id, kind, role) VALUES (OLD.id, 'user', 'guardian')
            ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
              class_id = excluded.class_id, role = excluded.role;
        ELSIF TG_TABLE_NAME = 'teaching_assignments' THEN
          INSERT INTO roster_removals (sourced_id, kind, user_id, class_id, role)
            VALUES (roster_id('enrollment', OLD.staff_id, roster_id('class', OLD.class_id, OLD.subject_id)), 'enrollment',
                    OLD.staff_id, roster_id('class', OLD.class_id, OLD.subject_id), 'teacher')
            ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
              class_id = excluded.class_id, role = excluded.role;
        ELSIF TG_TABLE_NAME = 'classes' THEN
          -- Each field is read only inside its own table's branch: a trigger's record has only its table's columns.
          IF OLD.homeroom_teacher_id IS NOT NULL
             AND (TG_OP = 'DELETE' OR NEW.homeroom_teacher_id IS DISTINCT FROM OLD.homeroom_teacher_id) THEN
            INSERT INTO roster_removals (sourced_id, kind, user_id, class_id, role)
              VALUES (roster_id('enrollment', OLD.homeroom_teacher_id, OLD.id), 'enrollment', OLD.homeroom_teacher_id, OLD.id, 'teacher')
              ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
                class_id = excluded.class_id, role = excluded.role;
          END IF;
        ELSIF TG_TABLE_NAME = 'student_guardians' THEN
          -- A guardian's record names the children it is an agent for.
          IF TG_OP = 'INSERT' THEN
            UPDATE guardians SET updated_at = now() WHERE id = NEW.guardian_id;
          ELSE
            UPDATE guardians SET updated_at = now() WHERE id = OLD.guardian_id;
          END IF;
          RETURN NULL;
        END IF;
        RETURN NULL;
      END
    $$`,
    `CREATE TRIGGER students_removals AFTER DELETE OR UPDATE OF class_id ON students
       FOR EACH ROW EXECUTE FUNCTION record_roster_removals()`,
    `CREATE TRIGGER guardians_removals AFTER DELETE ON guardians FOR EACH ROW EXECUTE FUNCTION record_roster_removals()`,
    `CREATE TRIGGER teaching_assignments_removals AFTER DELETE ON teaching_assignments
       FOR EACH ROW EXECUTE FUNCTION record_roster_removals()`,
    `CREATE TRIGGER classes_removals AFTER DELETE OR UPDATE OF homeroom_teacher_id ON classes
       FOR EACH ROW EXECUTE FUNCTION record_roster_removals()`,
    `CREATE TRIGGER student_guardians_agents AFTER INSERT OR DELETE ON student_guardians
       FOR EACH ROW EXECUTE FUNCTION record_roster_removals()`,
    `CREATE INDEX students_updated_at ON students (updated_at)`,
  ],
};
