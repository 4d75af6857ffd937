import type { Migration } from './migration';

const uuid = `'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;

/** The first of a row's person columns that names one of the entry's people: whose row it is. */
const ownerOf = (row: string, keys: string) =>
  `(SELECT v.id FROM (VALUES (1, ${row}->>'student_id'), (2, ${row}->>'guardian_id'), (3, ${row}->>'person_id'),
                             (4, ${row}->>'recipient_id'), (5, ${row}->>'id'),
                             (6, ${row}->'scope'->>'studentId')) v(o, id)
     WHERE v.id IS NOT NULL AND ${keys} ? v.id ORDER BY v.o LIMIT 1)`;

/** The shape of a side written before the helper named it: an array is rows, an object of arrays parts. */
const shapeOf = (side: string) => `CASE WHEN jsonb_typeof(${side}) = 'array' THEN 'rows'
  WHEN jsonb_typeof(${side}) = 'object' AND ${side} <> '{}'::jsonb
       AND NOT jsonb_path_exists(${side}, 'strict $.* ? (@.type() != "array")') THEN 'parts' ELSE 'row' END`;

/**
 * Erasure (GDPR article 17) and the audit log's crypto-shredding.
 *
 * Each person (student, guardian, staff member) the audit log names gets a random pseudonym and
 * key (`person_keys`, made on first use). The audit helper (lambdas/shared/audit-entry.ts) writes
 * the pseudonym wherever an entry names the person (`subjects`, `entity_id`), and seals each
 * recorded row about one of the entry's people with that person's key:
 * `{"sealed": iv + AES-256-CBC of the row, "key": pseudonym}`. Readers see entries through
 * `audit_entries`, or the functions below. Erasing a person deletes their key: their entries stay,
 * unchanged and append-only, but their rows can never be read again (`{"erased": true}`) and their
 * pseudonym leads nowhere. Entries written before this are rewritten once, here, inside this
 * migration's transaction (as migration 5 gave them their subjects).
 *
 * Privacy requests gain the erasure's steps: awaiting a second admin's approval (or refused),
 * then queued, carried out, and done, with what it removed and kept (`outcome`) and what it
 * still has to remove outside the database (`pending`: objects and sign-ins, cleared when done).
 * A student's retained grades and fees are moved to a pseudonymous student record (`erased`).
 */
export const erasure: Migration = {
  version: 17,
  name: 'erasure and pseudonymous audit log',
  statements: [
    `CREATE EXTENSION IF NOT EXISTS pgcrypto`,
    `CREATE TABLE person_keys (
      person_id uuid PRIMARY KEY,
      pseudonym uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
      key bytea NOT NULL DEFAULT gen_random_bytes(32),
      created_at timestamptz NOT NULL DEFAULT now()
    )`,
    // The pseudonyms and keys of these people as {"<id>": {"p": pseudonym, "k": hex key}}, each made on
    // first use; they never leave the statement.
    `CREATE FUNCTION audit_keys(people uuid[]) RETURNS jsonb LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF people IS NULL OR cardinality(people) = 0 THEN RETURN '{}'::jsonb; END IF;
        INSERT INTO person_keys (person_id) SELECT DISTINCT p FROM unnest(people) p WHERE p IS NOT NULL
          ON CONFLICT (person_id) DO NOTHING;
        RETURN (SELECT coalesce(jsonb_object_agg(person_id::text,
                                  jsonb_build_object('p', pseudonym, 'k', encode(key, 'hex'))), '{}'::jsonb)
                  FROM person_keys WHERE person_id = ANY (people));
      END
    $$`,
    `CREATE FUNCTION audit_pseudonymous_subjects(people uuid[], keys jsonb) RETURNS uuid[] LANGUAGE sql IMMUTABLE AS $$
      SELECT coalesce(array_agg(coalesce((keys->(p::text)->>'p')::uuid, p) ORDER BY n), '{}')
        FROM unnest(people) WITH ORDINALITY u(p, n)
    $$`,
    // An entity id ("<student>", "<student>/<date>") with each person's id as their pseudonym.
    `CREATE FUNCTION audit_pseudonymous_id(entity_id text, keys jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
      SELECT string_agg(coalesce(keys->part->>'p', part), '/' ORDER BY n)
        FROM unnest(string_to_array(entity_id, '/')) WITH ORDINALITY u(part, n)
    $$`,
    `CREATE FUNCTION audit_seal_row(r jsonb, keys jsonb) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
      SELECT CASE WHEN o.owner IS NULL THEN r
             ELSE jsonb_build_object(
                    'sealed', translate(encode(o.iv || encrypt_iv(convert_to(r::text, 'UTF8'),
                                                                  decode(keys->o.owner->>'k', 'hex'), o.iv, 'aes'),
                                               'base64'), E'\\n', ''),
                    'key', keys->o.owner->>'p') END
        FROM (SELECT CASE WHEN jsonb_typeof(r) = 'object' THEN ${ownerOf('r', 'keys')} END AS owner,
                     gen_random_bytes(16) AS iv) o
    $$`,
    // shape: 'row' (one row), 'rows' (an array of rows) or 'parts' (an object of arrays of rows by part).
    `CREATE FUNCTION audit_seal(doc jsonb, keys jsonb, shape text) RETURNS jsonb LANGUAGE sql VOLATILE AS $$
      SELECT CASE
        WHEN doc IS NULL OR keys = '{}'::jsonb THEN doc
        WHEN shape = 'row' THEN audit_seal_row(doc, keys)
        WHEN shape = 'rows' AND jsonb_typeof(doc) = 'array'
          THEN (SELECT jsonb_agg(audit_seal_row(e, keys) ORDER BY n) FROM jsonb_array_elements(doc) WITH ORDINALITY x(e, n))
        WHEN shape = 'parts' AND jsonb_typeof(doc) = 'object'
          THEN (SELECT jsonb_object_agg(p.key, CASE WHEN jsonb_typeof(p.value) = 'array'
                  THEN (SELECT coalesce(jsonb_agg(audit_seal_row(e, keys) ORDER BY n), '[]'::jsonb)
                          FROM jsonb_array_elements(p.value) WITH ORDINALITY x(e, n))
                  ELSE p.value END) FROM jsonb_each(doc) p)
        ELSE doc END
    $$`,
    // Reading: a sealed row opened while its person's key exists, {"erased": true} once it does not.
    `CREATE FUNCTION audit_unseal_row(r jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
      SELECT CASE WHEN jsonb_typeof(r) = 'object' AND r ? 'sealed' AND r ? 'key' THEN
               coalesce((SELECT convert_from(decrypt_iv(substring(b FROM 17), k.key, substring(b FROM 1 FOR 16), 'aes'), 'UTF8')::jsonb
                           FROM person_keys k, decode(r->>'sealed', 'base64') b
                          WHERE k.pseudonym = (r->>'key')::uuid),
                        '{"erased": true}'::jsonb)
             ELSE r END
    $$`,
    // Any recorded side as it was written (a row, rows, or parts of rows), opened.
    `CREATE FUNCTION audit_unseal(doc jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
      SELECT CASE
        WHEN doc IS NULL OR jsonb_typeof(doc) NOT IN ('array', 'object') OR doc = '{}'::jsonb THEN doc
        WHEN jsonb_typeof(doc) = 'array'
          THEN (SELECT jsonb_agg(audit_unseal_row(e) ORDER BY n) FROM jsonb_array_elements(doc) WITH ORDINALITY x(e, n))
        WHEN doc ? 'sealed' THEN audit_unseal_row(doc)
        WHEN jsonb_path_exists(doc, 'strict $.* ? (@.type() != "array")') THEN doc
        ELSE (SELECT jsonb_object_agg(p.key, (SELECT coalesce(jsonb_agg(audit_unseal_row(e) ORDER BY n), '[]'::jsonb)
                                                FROM jsonb_array_elements(p.value) WITH ORDINALITY x(e, n)))
                FROM jsonb_each(doc) p) END
    $$`,
    // Pseudonyms back to the people while their keys exist; an erased person's stays a pseudonym.
    `CREATE FUNCTION audit_identified_subjects(subjects uuid[]) RETURNS uuid[] LANGUAGE sql STABLE AS $$
      SELECT coalesce(array_agg(coalesce(k.person_id, s) ORDER BY n), '{}')
        FROM unnest(subjects) WITH ORDINALITY u(s, n) LEFT JOIN person_keys k ON k.pseudonym = s
    $$`,
    `CREATE FUNCTION audit_identified_id(entity_id text) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT string_agg(coalesce(k.person_id::text, part), '/' ORDER BY n)
        FROM unnest(string_to_array(entity_id, '/')) WITH ORDINALITY u(part, n)
        LEFT JOIN person_keys k ON k.pseudonym = CASE WHEN part ~ ${uuid} THEN part::uuid END
    $$`,
    // The pseudonyms of these people, to find their entries by the subjects index (none for the erased).
    `CREATE FUNCTION audit_pseudonyms(people uuid[]) RETURNS uuid[] LANGUAGE sql STABLE AS $$
      SELECT coalesce(array_agg(pseudonym), '{}') FROM person_keys WHERE person_id = ANY (people)
    $$`,
    `CREATE FUNCTION audit_pseudonymous_id_of(entity_id text) RETURNS text LANGUAGE sql STABLE AS $$
      SELECT string_agg(coalesce(k.pseudonym::text, part), '/' ORDER BY n)
        FROM unnest(string_to_array(entity_id, '/')) WITH ORDINALITY u(part, n)
        LEFT JOIN person_keys k ON k.person_id = CASE WHEN part ~ ${uuid} THEN part::uuid END
    $$`,
    // The log as its readers see it: people by their ids and rows opened, while their keys exist.
    `CREATE VIEW audit_entries AS
       SELECT id, at, actor, request_id, action, entity, audit_identified_id(entity_id) AS entity_id,
              audit_identified_subjects(subjects) AS subjects, audit_unseal(before) AS before, audit_unseal(after) AS after
         FROM audit_log`,
    // What was written before: each entry's shape read from its value.
    `ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`,
    `UPDATE audit_log a SET before = audit_seal(a.before, k.keys, ${shapeOf('a.before')}),
                            after = audit_seal(a.after, k.keys, ${shapeOf('a.after')}),
                            subjects = audit_pseudonymous_subjects(a.subjects, k.keys),
                            entity_id = audit_pseudonymous_id(a.entity_id, k.keys)
       FROM (SELECT id, audit_keys(subjects) AS keys FROM audit_log WHERE cardinality(subjects) > 0) k
      WHERE a.id = k.id`,
    `ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`,
    `ALTER TABLE privacy_requests DROP CONSTRAINT privacy_requests_status_check`,
    `ALTER TABLE privacy_requests ADD CONSTRAINT privacy_requests_status_check CHECK (status IN (
       'awaiting-approval', 'refused', 'queued', 'running', 'ready', 'downloaded', 'done', 'failed'))`,
    `ALTER TABLE privacy_requests
       ADD COLUMN decided_by text,
       ADD COLUMN decided_at timestamptz,
       ADD COLUMN refusal text CHECK (length(refusal) <= 500),
       ADD COLUMN outcome jsonb,
       ADD COLUMN pending jsonb`,
    // The retention policy's new kind: how long the audit log can still be read about a leaver.
    `ALTER TABLE retention_policy DROP CONSTRAINT retention_policy_kind_check`,
    `ALTER TABLE retention_policy ADD CONSTRAINT retention_policy_kind_check
       CHECK (kind IN ('attendance', 'grades', 'fees', 'notifications', 'access-log', 'audit-entries'))`,
    `ALTER TABLE students DROP CONSTRAINT students_status_check`,
    `ALTER TABLE students ADD CONSTRAINT students_status_check
       CHECK (status IN ('active', 'withdrawn', 'graduated', 'erased'))`,
  ],
};
