/**
 * Marks the moment the open screen shows its data: `html[data-ready]` for tests and the
 * `app-interactive` performance mark the web bench reads. Set again on every screen.
 */
export function markScreenReady(): void {
  const root = document.documentElement;
  if (root.dataset.ready === 'true') return;
  root.dataset.ready = 'true';
  performance.mark('app-interactive');
}

export function markScreenLoading(): void {
  delete document.documentElement.dataset.ready;
}
