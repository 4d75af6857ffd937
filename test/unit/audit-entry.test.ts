import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEntry } from '../../lambdas/shared/audit-entry';
import { projectRoot } from '../../lib/project';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('the one audit helper', () => {
  it('is the only code that writes the audit log (migrations aside)', () => {
    const writers = ['lambdas', 'local', 'scripts']
      .flatMap((dir) => sources(join(projectRoot, dir)))
      .filter((file) => /INSERT\s+INTO\s+audit_log/i.test(readFileSync(file, 'utf8')))
      .map((file) => relative(projectRoot, file));
    expect(writers).toEqual(['lambdas/shared/audit-entry.ts']);
  });

  it('names who and which request from the session, never from the domain code', () => {
    const sql = auditEntry({ action: 'update', entity: 'student', before: 'before', after: 'changed', rows: 'one' });
    expect(sql).toMatch(/SELECT :auditActor, :auditRequest, 'update', 'student'/);
    expect(sql).not.toMatch(/:actor\b/);
  });

  it('writes an entry only when the write changed a row, and keeps of the rows before only those it changed', () => {
    const sql = auditEntry({
      action: 'mark',
      entity: 'attendance',
      before: 'previous',
      after: 'upserted',
      rows: 'many',
      key: ['student_id', 'on_date'],
      people: ['student_id'],
    });
    expect(sql).toMatch(/WHERE EXISTS \(SELECT 1 FROM upserted\)\) s\) people\)$/);
    // Written pseudonymous: the people by pseudonym, their rows sealed with their keys.
    expect(sql).toContain('audit_pseudonymous_subjects(people.ids, people.keys)');
    expect(sql).toContain(
      "audit_seal((SELECT jsonb_agg(to_jsonb(r)) FROM upserted r WHERE TRUE), people.keys, 'rows')",
    );
    expect(sql).toContain("? concat_ws('/', r.student_id, r.on_date)");
    expect(sql).toContain('jsonb_agg(to_jsonb(r)) FROM upserted r');
  });

  it('records a write of several tables by part', () => {
    const sql = auditEntry({
      action: 'import',
      entity: 'student',
      rows: 'many',
      parts: { students: { after: 'created', people: ['id'] }, links: { after: 'linked' } },
    });
    expect(sql).toContain("jsonb_build_object('students', (SELECT jsonb_agg(to_jsonb(r)) FROM created r");
    expect(sql).toMatch(/EXISTS \(SELECT 1 FROM created\) OR EXISTS \(SELECT 1 FROM linked\)/);
  });

  it('refuses names that are not plain lower-case words, and a write that names no rows', () => {
    expect(() => auditEntry({ action: "x'; DROP", entity: 'student', after: 'changed', rows: 'one' })).toThrow();
    expect(() => auditEntry({ action: 'create', entity: 'student', rows: 'one' })).toThrow(/names a part with no rows/);
  });
});
