/** One component's probe, as `GET /api/health` reports it. */
export interface ComponentHealth {
  status: 'up' | 'down' | 'paused';
  latencyMs: number;
  detail?: string;
}

/** What `GET /api/health` returns; kept in step with the API's HealthResponse by a test. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  stage: string;
  time: string;
  components: Record<string, ComponentHealth | undefined>;
}

/** One line for people: what is running, what is down, or why it could not be reached. */
export function describeHealth(result: { ok: true; health: Health } | { ok: false; reason: string }): string {
  if (!result.ok) return `The platform cannot be reached: ${result.reason}`;
  const { health } = result;
  const summary = `version ${health.version}, stage ${health.stage}, server time ${new Date(health.time).toUTCString()}`;
  const down = Object.entries(health.components)
    .filter(([, component]) => component?.status === 'down')
    .map(([name]) => name);
  return down.length ? `Degraded — down: ${down.join(', ')} (${summary})` : `Up — ${summary}`;
}

export async function fetchHealth(fetchImpl: typeof fetch = fetch) {
  try {
    const response = await fetchImpl('/api/health', { headers: { accept: 'application/json' } });
    // A degraded platform answers 503 with its report.
    const report: unknown =
      response.ok || response.status === 503 ? await response.json().catch(() => undefined) : undefined;
    if (!report || typeof report !== 'object' || !('components' in report)) {
      return { ok: false as const, reason: `HTTP ${response.status}` };
    }
    return { ok: true as const, health: report as Health };
  } catch (error) {
    return { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
  }
}
