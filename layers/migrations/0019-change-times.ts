import type { Migration } from './migration';

/**
 * A transaction-local setting that an archive being loaded into an empty school sets (`SET LOCAL`):
 * the triggers below then leave the rows as the archive has them (no change time, no removal).
 */
export const restoringSetting = 'campus.restoring';

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
 * trigger so no write path can forget it. Records that disappear (a removed teaching assignment,
 * a student moved to another class, a student whose guardian refused integrations) leave a removal
 * behind in `roster_removals`, so a delta sync learns to delete them too (an erasure leaves none: no trace of the person stays, not even their id); its ids are made by the same
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
        -- An archive being loaded keeps its rows as they were.
        IF current_setting('${restoringSetting}', true) = 'on' THEN
          RETURN NEW;
        END IF;
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
    // Every score is a result with an id of its own: the one an integration sent it under, or one made of its assessment,
    // its student and the school's own secret salt, so no integration can foresee (and take first) a score's id.
    `CREATE TABLE roster_secret (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      salt uuid NOT NULL DEFAULT gen_random_uuid()
    )`,
    `INSERT INTO roster_secret DEFAULT VALUES`,
    `ALTER TABLE scores ADD COLUMN result_sourced_id text CHECK (length(result_sourced_id) BETWEEN 1 AND 255)`,
    `UPDATE scores SET result_sourced_id = roster_id('result', (SELECT salt FROM roster_secret), assessment_id, student_id)::text`,
    `ALTER TABLE scores ALTER COLUMN result_sourced_id SET NOT NULL`,
    `CREATE UNIQUE INDEX scores_result_sourced_id ON scores (result_sourced_id)`,
    `CREATE FUNCTION name_result() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.result_sourced_id := coalesce(NEW.result_sourced_id,
          roster_id('result', (SELECT salt FROM roster_secret), NEW.assessment_id, NEW.student_id)::text);
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
    // Whether integrations may see a student: no refusal or withdrawal of the integrations consent in force.
    `CREATE FUNCTION shared_with_integrations(student uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
       SELECT coalesce((SELECT c.status FROM consents c WHERE c.student_id = student AND c.purpose = 'integrations'
                         ORDER BY c.recorded_at DESC, c.id DESC LIMIT 1), 'given') NOT IN ('refused', 'withdrawn')
     $$`,
    // A student's places in a class and in its subjects, removed (a move, an erasure, a consent refused).
    `CREATE FUNCTION remove_places(student uuid, klass uuid) RETURNS void LANGUAGE sql AS $$
       INSERT INTO roster_removals (sourced_id, kind, user_id, class_id, role)
       SELECT roster_id('enrollment', student, klass), 'enrollment', student, klass, 'student'
       UNION SELECT roster_id('enrollment', student, roster_id('class', c.class_id, c.subject_id)), 'enrollment',
                    student, roster_id('class', c.class_id, c.subject_id), 'student'
         FROM (SELECT class_id, subject_id FROM teaching_assignments WHERE class_id = klass
               UNION SELECT class_id, subject_id FROM assessments WHERE class_id = klass) c
       ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = excluded.user_id,
         class_id = excluded.class_id, role = excluded.role
     $$`,
    `CREATE FUNCTION remove_user(person uuid, person_role text) RETURNS void LANGUAGE sql AS $$
       INSERT INTO roster_removals (sourced_id, kind, role) VALUES (person, 'user', person_role)
       ON CONFLICT (sourced_id) DO UPDATE SET removed_at = now(), kind = excluded.kind, user_id = NULL,
         class_id = NULL, role = excluded.role
     $$`,
    `CREATE FUNCTION record_roster_removals() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('${restoringSetting}', true) = 'on' THEN
          RETURN NULL;
        END IF;
        IF TG_TABLE_NAME = 'students' THEN
          IF TG_OP = 'DELETE' THEN
            -- Deleted only by erasure, which leaves no trace of the person: not even a removal naming their id.
            DELETE FROM roster_removals WHERE sourced_id = OLD.id OR user_id = OLD.id;
            RETURN NULL;
          END IF;
          -- A student integrations may not see was removed for them when the consent was refused: nothing more is told.
          IF NOT shared_with_integrations(OLD.id) THEN
            RETURN NULL;
          END IF;
          IF OLD.class_id IS NOT NULL AND NEW.class_id IS DISTINCT FROM OLD.class_id THEN
            PERFORM remove_places(OLD.id, OLD.class_id);
          END IF;
        ELSIF TG_TABLE_NAME = 'guardians' THEN
          DELETE FROM roster_removals WHERE sourced_id = OLD.id;
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
          -- A guardian's record names the children it is an agent for, and a child's its guardians.
          IF TG_OP = 'INSERT' THEN
            UPDATE guardians SET updated_at = now() WHERE id = NEW.guardian_id;
            UPDATE students SET updated_at = now() WHERE id = NEW.student_id;
          ELSE
            UPDATE guardians SET updated_at = now() WHERE id = OLD.guardian_id;
            UPDATE students SET updated_at = now() WHERE id = OLD.student_id;
          END IF;
        ELSIF TG_TABLE_NAME = 'consents' THEN
          IF NEW.status IN ('refused', 'withdrawn') THEN
            -- Integrations are told to delete the student, their places, and guardians they saw only through them.
            PERFORM remove_user(NEW.student_id, 'student');
            PERFORM remove_places(NEW.student_id, s.class_id) FROM students s WHERE s.id = NEW.student_id AND s.class_id IS NOT NULL;
            PERFORM remove_user(sg.guardian_id, 'guardian') FROM student_guardians sg
              WHERE sg.student_id = NEW.student_id
                AND NOT EXISTS (SELECT 1 FROM student_guardians other JOIN students s ON s.id = other.student_id
                                 WHERE other.guardian_id = sg.guardian_id AND other.student_id <> NEW.student_id
                                   AND s.status <> 'erased' AND shared_with_integrations(s.id));
          ELSE
            -- Shown again: the student and their places change now, so a delta sync picks them up.
            UPDATE students SET updated_at = now() WHERE id = NEW.student_id;
            UPDATE guardians SET updated_at = now()
             WHERE id IN (SELECT guardian_id FROM student_guardians WHERE student_id = NEW.student_id);
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
    `CREATE TRIGGER consents_integrations AFTER INSERT ON consents
       FOR EACH ROW WHEN (NEW.purpose = 'integrations') EXECUTE FUNCTION record_roster_removals()`,
    `CREATE INDEX students_updated_at ON students (updated_at)`,
  ],
};
