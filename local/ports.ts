import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where the kernel picks the source ports of outgoing connections (Linux's default elsewhere). */
function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low <= high) return { low, high };
  } catch {
    // Not Linux: fall through to the default range.
  }
  return { low: 32768, high: 60999 };
}

/** Ports below this are the well-known and commonly configured ones. */
const lowestChosenPort = 10_000;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port free on 127.0.0.1 right now, for a server that binds it later (PostgreSQL, or the
 * gateway, whose URL the stacks need before it listens). It is chosen at random below the
 * ephemeral range: a port from that range can be taken in the meantime by any outgoing
 * connection's source port, which with parallel test workers happened within seconds.
 */
export async function freePort(): Promise<number> {
  const ephemeral = ephemeralRange();
  const high = Math.max(lowestChosenPort + 1000, ephemeral.low - 1);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = lowestChosenPort + Math.floor(Math.random() * (high - lowestChosenPort + 1));
    if (port >= ephemeral.low && port <= ephemeral.high) continue;
    if (await isFree(port)) return port;
  }
  throw new Error(`No free port found between ${lowestChosenPort} and ${high}.`);
}
