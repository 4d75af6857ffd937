import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';

/**
 * Load generator for `npm run bench:api`, run in its own process so that it does not share
 * an event loop with the platform it measures. Reads a plan (JSON file named by argv[2]),
 * sends its requests with the given concurrency, each client on its own kept-alive
 * connection sending its next request as soon as the last is answered, and prints one
 * JSON line of results, with the CPU it used per request. Plain `node:http`, because on 2
 * cores the load process takes CPU from the platform it measures: about 0.3 ms a request,
 * where `fetch` took 0.7.
 */
interface Plan {
  url: string;
  concurrency: number;
  requests: { method: string; path: string; token: string; body?: unknown }[];
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const target = new URL(plan.url);
const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
const latencies: number[] = [];
const statuses: Record<string, number> = {};
let next = 0;

function send(request: Plan['requests'][number]): Promise<number> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.path,
        headers: {
          authorization: `Bearer ${request.token}`,
          ...(body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
        },
      },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function client() {
  while (next < plan.requests.length) {
    const request = plan.requests[next++]!;
    const t0 = performance.now();
    const status = await send(request);
    latencies.push(performance.now() - t0);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
}

const cpuBefore = process.cpuUsage();
const started = performance.now();
await Promise.all(Array.from({ length: plan.concurrency }, client));
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
agent.destroy();
console.log(
  JSON.stringify({ latencies, statuses, seconds, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / latencies.length }),
);
