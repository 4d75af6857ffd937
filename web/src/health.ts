/** What `GET /api/health` returns; kept in step with the API's HealthResponse by a test. */
export interface Health {
  status: 'ok';
  version: string;
  stage: string;
  time: string;
}

/** One line for people: what is running, or why it could not be reached. */
export function describeHealth(result: { ok: true; health: Health } | { ok: false; reason: string }): string {
  if (!result.ok) return `The platform cannot be reached: ${result.reason}`;
  const { health } = result;
  return `Up — version ${health.version}, stage ${health.stage}, server time ${new Date(health.time).toUTCString()}`;
}

export async function fetchHealth(fetchImpl: typeof fetch = fetch) {
  try {
    const response = await fetchImpl('/api/health', { headers: { accept: 'application/json' } });
    if (!response.ok) return { ok: false as const, reason: `HTTP ${response.status}` };
    return { ok: true as const, health: (await response.json()) as Health };
  } catch (error) {
    return { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
  }
}
