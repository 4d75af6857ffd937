import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Closes a server and every connection it holds, so a stop never waits on keep-alive sockets. */
export function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Serves `listener` on the port (0 picks a free one), on loopback unless told otherwise. */
export async function startHttpServer(
  listener: RequestListener,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${actualPort}`, port: actualPort, close: () => closeServer(server) };
}
