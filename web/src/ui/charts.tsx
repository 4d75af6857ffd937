/**
 * Small SVG charts. Each is a figure whose caption says what it shows, with its numbers in a
 * table for screen readers (and for anyone who wants the figures), so no chart is only a picture.
 */

export interface Datum {
  readonly label: string;
  readonly value: number;
  /** A shorter label under the bar, where the full one would not fit. */
  readonly axisLabel?: string;
}

function DataTable({
  caption,
  data,
  format,
}: {
  caption: string;
  data: readonly Datum[];
  format: (v: number) => string;
}) {
  return (
    <table class="visually-hidden">
      <caption>{caption}</caption>
      <tbody>
        {data.map((datum) => (
          <tr key={datum.label}>
            <th scope="row">{datum.label}</th>
            <td>{format(datum.value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BarChart({
  title,
  data,
  format = String,
  highlight,
}: {
  title: string;
  data: readonly Datum[];
  format?: (value: number) => string;
  /** Bars drawn in the warning colour (e.g. risk above the threshold). */
  highlight?: (datum: Datum, index: number) => boolean;
}) {
  const width = 320;
  const height = 160;
  const gap = 4;
  const max = Math.max(1, ...data.map((d) => d.value));
  const barWidth = data.length ? (width - gap * (data.length - 1)) / data.length : 0;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 18}`} aria-hidden="true" focusable="false">
        {data.map((datum, index) => {
          const barHeight = Math.round((datum.value / max) * height);
          const x = index * (barWidth + gap);
          return (
            <g key={datum.label}>
              <rect
                x={x}
                y={height - barHeight}
                width={barWidth}
                height={Math.max(barHeight, datum.value > 0 ? 1 : 0)}
                class={highlight?.(datum, index) ? 'bar bar-warn' : 'bar'}
                rx="2"
              />
              <text x={x + barWidth / 2} y={height + 14} class="axis-label" text-anchor="middle">
                {datum.axisLabel ?? datum.label}
              </text>
            </g>
          );
        })}
      </svg>
      <DataTable caption={title} data={data} format={format} />
    </figure>
  );
}

export function LineChart({
  title,
  data,
  format = String,
  min = 0,
  max,
}: {
  title: string;
  data: readonly Datum[];
  format?: (value: number) => string;
  min?: number;
  max?: number;
}) {
  const width = 320;
  const height = 140;
  const top = Math.max(max ?? 0, ...data.map((d) => d.value), min + 1e-9);
  const x = (index: number) => (data.length <= 1 ? width / 2 : (index / (data.length - 1)) * (width - 8) + 4);
  const y = (value: number) => height - ((value - min) / (top - min)) * (height - 8) - 4;
  const points = data.map((datum, index) => `${x(index).toFixed(1)},${y(datum.value).toFixed(1)}`).join(' ');
  const first = data[0];
  const last = data.at(-1);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height + 18}`} aria-hidden="true" focusable="false">
        <line x1="0" x2={width} y1={height} y2={height} class="axis" />
        {data.length ? <polyline points={points} class="line" /> : null}
        {data.map((datum, index) => (
          <circle key={datum.label} cx={x(index)} cy={y(datum.value)} r="2.5" class="dot" />
        ))}
        {first ? (
          <text x="0" y={height + 14} class="axis-label">
            {first.label}
          </text>
        ) : null}
        {last && data.length > 1 ? (
          <text x={width} y={height + 14} class="axis-label" text-anchor="end">
            {last.label}
          </text>
        ) : null}
      </svg>
      <DataTable caption={title} data={data} format={format} />
    </figure>
  );
}

/** Part of a whole (collected of due): a bar with both figures written out. */
export function Meter({
  title,
  value,
  total,
  format,
}: {
  title: string;
  value: number;
  total: number;
  format: (v: number) => string;
}) {
  const ratio = total > 0 ? Math.min(1, value / total) : 0;
  return (
    <figure class="chart meter">
      <figcaption>{title}</figcaption>
      <div
        class="meter-track"
        role="meter"
        aria-label={title}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={value}
        aria-valuetext={`${format(value)} / ${format(total)}`}
      >
        <div class="meter-fill" ref={(el) => el?.style.setProperty('width', `${(ratio * 100).toFixed(1)}%`)} />
      </div>
      <p class="meter-figures">
        <strong>{format(value)}</strong> / {format(total)}
      </p>
    </figure>
  );
}
