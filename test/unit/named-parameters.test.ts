import { describe, expect, it } from 'vitest';
import { toPositional } from '../../local/data-api/named-parameters';
import { badRequest } from '../../local/data-api/errors';
import { bindParameters } from '../../local/data-api/values';

describe('named parameters → positional', () => {
  it('numbers names in order of first use and reuses a repeated name', () => {
    expect(toPositional('SELECT * FROM s WHERE a = :a AND b = :b OR a = :a')).toEqual({
      text: 'SELECT * FROM s WHERE a = $1 AND b = $2 OR a = $1',
      names: ['a', 'b'],
    });
  });

  it('leaves casts, literals, quoted identifiers, comments and dollar quotes alone', () => {
    const sql = `SELECT :x::int, 'at 10:30 :no', "odd:col", $body$ :no $body$ -- :no
      /* :no */ FROM t WHERE y = :y`;
    const { text, names } = toPositional(sql);
    expect(names).toEqual(['x', 'y']);
    expect(text).toContain('$1::int, \'at 10:30 :no\', "odd:col", $body$ :no $body$ -- :no');
    expect(text).toContain('/* :no */ FROM t WHERE y = $2');
  });

  it('adds casts only to placeholders, never inside literals or dollar quotes', () => {
    const { text } = toPositional("SELECT 'cost $1', $$ $1 $$, :d", (name) => (name === 'd' ? 'date' : undefined));
    expect(text).toBe("SELECT 'cost $1', $$ $1 $$, $1::date");
  });

  it('skips nested block comments as PostgreSQL does', () => {
    const { text, names } = toPositional('SELECT /* outer /* inner :no */ still :no */ :yes');
    expect(names).toEqual(['yes']);
    expect(text).toBe('SELECT /* outer /* inner :no */ still :no */ $1');
  });

  it('handles doubled quotes inside a literal', () => {
    expect(toPositional("SELECT 'it''s :no', :yes").names).toEqual(['yes']);
  });

  it('handles backslash escapes inside E strings, and only there', () => {
    expect(toPositional("SELECT E'it\\'s :no', :yes").names).toEqual(['yes']);
    expect(toPositional("SELECT name'x', :yes").names).toEqual(['yes']);
  });
});

describe('parameter binding', () => {
  it('casts by type hint and passes nulls', () => {
    const { values, casts } = bindParameters(
      ['d', 'n'],
      [
        { name: 'd', value: { stringValue: '2026-01-02' }, typeHint: 'DATE' },
        { name: 'n', value: { isNull: true } },
      ],
    );
    expect(values).toEqual(['2026-01-02', null]);
    expect(casts).toEqual(['date', undefined]);
  });

  it('refuses unknown type hints and missing names', () => {
    expect(() => bindParameters(['a'], [{ name: 'a', value: { stringValue: 'x' }, typeHint: 'MONEY' }])).toThrow(
      badRequest('Invalid type hint: MONEY.'),
    );
    expect(() => bindParameters(['a'], [])).toThrow('No value specified for parameter: a');
  });
});
