/**
 * A TCP proxy in front of PostgreSQL that breaks connections on purpose: `stall()` holds back
 * every answer (the queries in flight hang, their connections stay checked out), `reset()` cuts
 * every connection with a TCP reset (what a dying network or a restarted balancer does), and
 * `refuse()` makes new connections fail until `accept()`.
 */
import { connect, createServer, type Socket } from 'node:net';

/** A running fault proxy. */
export interface PgFaultProxy {
  port: number;
  /** The URL of `database` through the proxy. */
  url(database: string): string;
  /** Connections currently open through the proxy. */
  open(): number;
  /** Bytes sent towards PostgreSQL so far (a query on its way shows up here). */
  sent(): number;
  stall(): void;
  /** Forwards again (what was held back goes out). */
  unstall(): void;
  reset(): void;
  refuse(): void;
  accept(): void;
  close(): Promise<void>;
}

/** Starts a proxy to the PostgreSQL on `pgPort` of 127.0.0.1. */
export const startPgFaultProxy = async (pgPort: number): Promise<PgFaultProxy> => {
  const pairs = new Set<[Socket, Socket]>();
  // Answers held back while stalled, per connection.
  const held = new Map<Socket, Buffer[]>();
  let refusing = false;
  let stalled = false;
  let sent = 0;
  const server = createServer((client) => {
    if (refusing) return void client.resetAndDestroy();
    const upstream = connect(pgPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    for (const socket of pair) {
      socket.on('error', () => {});
      socket.on('close', () => (pairs.delete(pair), client.destroy(), upstream.destroy()));
    }
    client.on('data', (chunk: Buffer) => void (sent += chunk.length));
    client.pipe(upstream);
    held.set(client, []);
    upstream.on('data', (chunk: Buffer) => (stalled ? held.get(client)?.push(chunk) : client.write(chunk)));
    client.on('close', () => held.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    open: () => pairs.size,
    sent: () => sent,
    stall: () => (stalled = true),
    unstall: () => {
      stalled = false;
      for (const [client, chunks] of held) for (const chunk of chunks.splice(0)) client.write(chunk);
    },
    reset: () => {
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.destroy();
      }
    },
    refuse: () => (refusing = true),
    accept: () => (refusing = false),
    close: () =>
      new Promise((resolve) => {
        for (const pair of pairs) for (const socket of pair) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
