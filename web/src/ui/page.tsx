import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { markScreenReady } from '../ready';
import './shared-modules';

export interface PageProps {
  readonly title: string;
  /** A line under the title (a class, a date, a count). */
  readonly subtitle?: ComponentChildren;
  /** Buttons or links at the title's right. */
  readonly actions?: ComponentChildren;
  /** False while the screen's main data is loading; the screen counts as ready (for tests and the bench) once true. */
  readonly ready?: boolean;
  readonly children: ComponentChildren;
}

/**
 * A screen: its title as the page's one h1, which takes focus when the screen opens so a
 * screen reader announces where the user now is, and the browser tab says it too.
 */
export function Page({ title, subtitle, actions, ready = true, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Campus Cloud`;
    heading.current?.focus({ preventScroll: true });
  }, [title]);
  useEffect(() => {
    if (ready) markScreenReady();
  }, [ready]);
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {title}
          </h1>
          {subtitle ? <p class="page-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div class="page-actions">{actions}</div> : null}
      </header>
      {children}
    </div>
  );
}

export function Card({
  title,
  children,
  class: className,
}: {
  title?: string;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <section class={`card ${className ?? ''}`} aria-label={title}>
      {title ? <h2 class="card-title">{title}</h2> : null}
      {children}
    </section>
  );
}

export function Stat({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string;
  detail?: string;
  tone?: 'good' | 'warn' | 'bad';
}) {
  return (
    <div class={`stat ${tone ? `stat-${tone}` : ''}`}>
      <span class="stat-label">{label}</span>
      <span class="stat-value">{value}</span>
      {detail ? <span class="stat-detail">{detail}</span> : null}
    </div>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'good' | 'warn' | 'bad' | 'info';
  children: ComponentChildren;
}) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}
