/**
 * Rewrites the Data API's `:name` placeholders into PostgreSQL's `$1, $2, …`, leaving
 * casts (`::int`), string literals, quoted identifiers, dollar-quoted bodies and comments
 * alone. A name used twice becomes the same `$n`; `castOf` adds the parameter's type.
 */
export function toPositional(
  sql: string,
  castOf: (name: string) => string | undefined = () => undefined,
): { text: string; names: string[] } {
  const names: string[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"') {
      // E'…' strings take backslash escapes; an E directly before the quote, not ending a word, marks one.
      const escapes = c === "'" && /[Ee]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      const end = closingQuote(sql, i, c, escapes);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const stop = closingComment(sql, i);
      out += sql.slice(i, stop);
      i = stop;
    } else if (c === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const stop = end === -1 ? sql.length : end + tag[0].length;
        out += sql.slice(i, stop);
        i = stop;
      } else {
        out += c;
        i++;
      }
    } else if (c === ':' && next === ':') {
      out += '::';
      i += 2;
    } else if (c === ':' && /[A-Za-z_]/.test(next ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let index = names.indexOf(name);
      if (index === -1) index = names.push(name) - 1;
      const cast = castOf(name);
      out += cast ? `$${index + 1}::${cast}` : `$${index + 1}`;
      i += 1 + name.length;
    } else {
      out += c;
      i++;
    }
  }
  return { text: out, names };
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escape, and a backslash too in E'…'). */
function closingQuote(sql: string, start: number, quote: string, backslashEscapes = false): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') {
      i += 2;
    } else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** Index just past the comment opened at `start`; PostgreSQL block comments nest. */
function closingComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}
