/**
 * TCP proxies written for the multi-instance tests: a round-robin balancer without stickiness
 * that skips backends that refuse connections (a load balancer's health check, reduced to the
 * connect), and a fault-injecting proxy in front of Redis that drops pub/sub messages on purpose.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** A listening proxy. */
export interface Proxy {
  port: number;
  close(): Promise<void>;
}

const listen = (server: Server, port = 0): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

const closer = (server: Server, sockets: Set<Socket>) => (): Promise<void> =>
  new Promise((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });

/** Round-robin over `backends()` (ports), one TCP connection at a time; a refused backend is skipped. */
export const startBalancer = async (backends: () => number[], port = 0): Promise<Proxy> => {
  let next = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const ports = backends();
    const attempt = (tries: number): void => {
      if (tries >= ports.length) return void client.destroy();
      const target = ports[next++ % ports.length]!;
      const upstream = connect(target, '127.0.0.1');
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        sockets.add(upstream);
        upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
        client.on('close', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('error', () => {
        if (!connected) attempt(tries + 1);
      });
    };
    attempt(0);
  });
  return { port: await listen(server, port), close: closer(server, sockets) };
};

/**
 * Reads one complete RESP2 value from `buffer` at `at`; returns the offset after it, or -1 if the
 * buffer does not hold all of it yet. `parts` gets its bulk strings (those of an array, in order).
 */
const respValue = (buffer: Buffer, at: number, parts?: Buffer[]): number => {
  const lineEnd = buffer.indexOf('\r\n', at);
  if (lineEnd < 0) return -1;
  const kind = String.fromCharCode(buffer[at]!);
  const header = buffer.toString('latin1', at + 1, lineEnd);
  if (kind === '+' || kind === '-' || kind === ':') return lineEnd + 2;
  if (kind === '$') {
    const length = Number(header);
    if (length < 0) return lineEnd + 2;
    const end = lineEnd + 2 + length + 2;
    if (end > buffer.length) return -1;
    parts?.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + length));
    return end;
  }
  if (kind === '*') {
    let offset = lineEnd + 2;
    for (let i = 0; i < Number(header); i++) {
      offset = respValue(buffer, offset, parts);
      if (offset < 0) return -1;
    }
    return offset;
  }
  throw new Error(`unexpected RESP type ${kind}`);
};

/** A pub/sub message on its way from Redis to a subscriber. */
export interface DeliveredMessage {
  channel: string;
  payload: Buffer;
}

/** A proxy in front of Redis whose `drop()` decides, per pub/sub message delivered, to lose it. */
export const startRedisFaultProxy = async (redisPort: number, drop: (message: DeliveredMessage) => boolean): Promise<Proxy & { dropped: () => number }> => {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(redisPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => (sockets.delete(socket), client.destroy(), upstream.destroy()));
      socket.on('error', () => (client.destroy(), upstream.destroy()));
    }
    client.pipe(upstream);
    // Server to client: whole RESP values, each forwarded or (a pub/sub message) maybe dropped.
    let pending: Buffer = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      let start = 0;
      const out: Buffer[] = [];
      for (;;) {
        const parts: Buffer[] = [];
        const end = start < pending.length ? respValue(pending, start, parts) : -1;
        if (end < 0) break;
        const [kind, channel, payload] = parts;
        if (kind?.toString('latin1') === 'message' && channel && payload && drop({ channel: channel.toString(), payload })) dropped++;
        else out.push(pending.subarray(start, end));
        start = end;
      }
      pending = pending.subarray(start);
      if (out.length) client.write(Buffer.concat(out));
    });
  });
  return { port: await listen(server), close: closer(server, sockets), dropped: () => dropped };
};
