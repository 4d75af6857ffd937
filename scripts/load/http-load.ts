import { readFileSync } from 'node:fs';

/**
 * Load generator for `npm run bench:api`, run in its own process so that it does not share
 * an event loop with the platform it measures. Reads a plan (JSON file named by argv[2]),
 * sends its requests with the given concurrency and prints one JSON line of results.
 */
interface Plan {
  url: string;
  concurrency: number;
  requests: { method: string; path: string; token: string; body?: unknown }[];
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;
const started = performance.now();

async function worker() {
  while (next < plan.requests.length) {
    const request = plan.requests[next++]!;
    const t0 = performance.now();
    const response = await fetch(`${plan.url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    await response.arrayBuffer();
    latencies.push(performance.now() - t0);
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  }
}

await Promise.all(Array.from({ length: plan.concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ latencies, statuses, seconds }));
