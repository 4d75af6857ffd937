import type { ComponentChildren } from 'preact';
import { t } from '../i18n/i18n';

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => ComponentChildren;
  /** Right-aligned (numbers, money). */
  readonly numeric?: boolean;
  /** Hidden on phones, where only the essential columns fit. */
  readonly wide?: boolean;
}

/** A data table whose first column names the row; on a phone the columns marked `wide` drop out. */
export function Table<T>({
  caption,
  columns,
  rows,
  rowKey,
  compact = false,
}: {
  caption: string;
  /** Tighter cells and no frame, for a table inside a card. */
  compact?: boolean;
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
}) {
  return (
    // A region that takes focus, so a table wider than a phone can be scrolled from the keyboard.
    <div class={compact ? 'table-compact' : 'table-wrap'} role="region" aria-label={caption} tabIndex={0}>
      <table class={compact ? 'compact' : undefined}>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={`${column.numeric ? 'num' : ''} ${column.wide ? 'wide' : ''}`}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column, index) =>
                index === 0 ? (
                  <th scope="row" class={column.numeric ? 'num' : undefined}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td class={`${column.numeric ? 'num' : ''} ${column.wide ? 'wide' : ''}`}>{column.cell(row)}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Paging for the API's cursor lists: the cursors of the pages before are kept in the URL
 * (`cursor` and `back`), so a reload and the browser's back button keep the place.
 */
export function Pager({
  cursor,
  nextCursor,
  onPage,
}: {
  cursor: string | undefined;
  nextCursor: string | null | undefined;
  onPage: (cursor: string | undefined) => void;
}) {
  return (
    <nav class="pager" aria-label={t('pager.label')}>
      <button type="button" class="button button-secondary" disabled={!cursor} onClick={() => onPage(undefined)}>
        {t('pager.first')}
      </button>
      <button
        type="button"
        class="button button-secondary"
        disabled={!nextCursor}
        onClick={() => nextCursor && onPage(nextCursor)}
      >
        {t('pager.next')}
      </button>
    </nav>
  );
}
