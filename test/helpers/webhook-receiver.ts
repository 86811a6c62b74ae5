/**
 * A real webhook receiver for tests: node:http on 127.0.0.1, port 0. It records every request
 * (headers and raw body) and answers as the test says (a status, a redirect, or never), and
 * verifies Standard Webhooks signatures the way a receiver would.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** How the receiver answers the next requests. */
export type Answer = { status: number; location?: string } | 'hang';

/** A running receiver. */
export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Sets how the following requests are answered (default 204). */
  answer(answer: Answer): void;
  /** Answers the requests held by 'hang' (those the sender has not given up on) with `status`. */
  release(status?: number): void;
  /** How many held requests the sender gave up on (it closed the connection before an answer). */
  abandoned(): number;
  /** Parsed JSON bodies of what arrived (for `path`, when given). */
  events(path?: string): Array<{ type: string; timestamp: string; data: Record<string, any> }>;
  close(): Promise<void>;
}

/** Starts a receiver (on `port` when given: a restarted receiver keeps its address). */
export const startReceiver = async (port = 0): Promise<Receiver> => {
  const received: Received[] = [];
  let answer: Answer = { status: 204 };
  const hanging = new Set<ServerResponse>();
  let abandoned = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (answer === 'hang') {
        hanging.add(response);
        response.on('close', () => {
          if (hanging.delete(response) && !response.writableFinished) abandoned++;
        });
        return;
      }
      response.writeHead(answer.status, answer.location ? { location: answer.location } : {});
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    received,
    answer: (next) => (answer = next),
    release: (status = 204) => {
      for (const response of hanging) {
        hanging.delete(response);
        response.writeHead(status).end();
      }
    },
    abandoned: () => abandoned,
    events: (path) => received.filter((r) => path === undefined || r.path === path).map((r) => JSON.parse(r.body)),
    close: async () => {
      for (const response of [...hanging]) {
        hanging.delete(response);
        response.destroy();
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

/**
 * Verifies a delivery as a receiver does (as the README's example, with the time given): the signature over
 * `id.timestamp.body` with the secret, and a timestamp no older than `toleranceS` seconds.
 */
export const verifyWebhook = (secret: string, headers: Record<string, string | string[] | undefined>, body: string, nowMs = Date.now(), toleranceS = 300): boolean => {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  if (!(Math.abs(nowMs / 1000 - Number(timestamp)) <= toleranceS)) return false; // stale, replayed or missing
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((part) => {
      const [version, signature] = part.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
};
