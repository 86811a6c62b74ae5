/**
 * A fault-injecting reverse proxy for browser tests: forwards HTTP and WebSocket traffic to a real
 * meetpad server (keeping the Host header, as nginx or Caddy configured for meetpad do), and on
 * demand answers like a proxy whose upstream is down, or closes the page's sockets after the sync.
 */
import { request as httpRequest, createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { MESSAGE, SYNC } from '../../shared/protocol.js';

/** A canned answer the proxy gives instead of forwarding. */
export interface CannedAnswer {
  status: number;
  body?: string;
  contentType?: string;
}

/** What the proxy does to a request; null forwards it. */
export type Fault = (request: IncomingMessage) => CannedAnswer | null;

/** A running proxy. */
export interface FaultProxy {
  url: string;
  /** Decides, per request (WebSocket upgrades included), whether to answer instead of forwarding. */
  fault: Fault | null;
  /**
   * When set, every socket is closed with this code right after the server's sync step 2 reached the
   * page, and the server's "saved" acks are dropped: a server whose writes never become durable.
   */
  closeAfterSync: number | null;
  /**
   * When set, a new socket gets nothing from the server until its session is released, so a test
   * can look at the page between two connection attempts without racing its timers.
   */
  holdSync: boolean;
  /** WebSocket upgrades that reached the upstream and opened, in order. */
  readonly sessions: readonly ProxySession[];
  /** Closes every open page socket with `code`. */
  closeSockets(code: number, reason?: string): void;
  close(): Promise<void>;
}

/** One relayed WebSocket connection. */
export interface ProxySession {
  /** True once the page received the server's sync step 2. */
  synced: boolean;
  /** The close code the proxy sent, if it closed the page's socket itself. */
  closedWith: number | null;
  /** Lets the server's frames through to the page (see holdSync). */
  release(): void;
}

const isSyncStep2 = (frame: Uint8Array): boolean => frame.length >= 2 && frame[0] === MESSAGE.sync && frame[1] === SYNC.step2;

const bytes = (data: RawData): Uint8Array => new Uint8Array(Array.isArray(data) ? Buffer.concat(data) : (data as Buffer));

const STATUS_TEXT: Record<number, string> = { 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' };

const refuseUpgrade = (socket: Duplex, answer: CannedAnswer): void => {
  const body = answer.body ?? '';
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_TEXT[answer.status] ?? 'Error'}\r\nContent-Type: ${answer.contentType ?? 'text/html'}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/** The page nginx shows when the upstream is down, for a status. */
export const gatewayPage = (status: number): CannedAnswer => ({
  status,
  body: `<html><head><title>${status} ${STATUS_TEXT[status] ?? ''}</title></head><body><center><h1>${status} ${STATUS_TEXT[status] ?? ''}</h1></center><hr><center>nginx</center></body></html>`,
  contentType: 'text/html',
});

/** Starts a proxy on 127.0.0.1 (port 0) in front of `upstream` (an http:// URL). */
export const startFaultProxy = async (upstream: string): Promise<FaultProxy> => {
  const target = new URL(upstream);
  const wss = new WebSocketServer({ noServer: true });
  const pageSockets = new Set<WebSocket>();
  const sessions: ProxySession[] = [];

  const server: Server = createServer((req, res) => {
    const answer = proxy.fault?.(req) ?? null;
    if (answer) {
      req.resume();
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/html', 'cache-control': 'no-store' });
      res.end(answer.body ?? '');
      return;
    }
    const forward = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    });
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(forward);
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const answer = proxy.fault?.(req) ?? null;
    if (answer) return refuseUpgrade(socket, answer);
    const headers: Record<string, string> = {};
    for (const name of ['host', 'origin', 'user-agent', 'cookie']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const up = new WebSocket(`ws://${target.host}${req.url ?? '/'}`, { headers, perMessageDeflate: false });
    const early: Uint8Array[] = [];
    let page: WebSocket | null = null;
    let held = proxy.holdSync;
    const session: ProxySession = {
      synced: false,
      closedWith: null,
      release: () => {
        held = false;
        for (const frame of early.splice(0)) fromServer(frame);
      },
    };
    const fromServer = (frame: Uint8Array): void => {
      if (held || !page || page.readyState !== WebSocket.OPEN) return void early.push(frame);
      const faulty = proxy.closeAfterSync;
      if (faulty !== null && frame[0] === MESSAGE.saved) return; // the write never became durable
      page.send(frame);
      if (isSyncStep2(frame)) {
        session.synced = true;
        if (faulty !== null) {
          session.closedWith = faulty;
          page.close(faulty, 'injected fault');
          up.close(1000);
        }
      }
    };
    up.on('message', (data) => fromServer(bytes(data)));
    up.on('unexpected-response', (_request, response) => {
      refuseUpgrade(socket, { status: response.statusCode ?? 502 });
      response.resume();
    });
    up.on('error', () => {
      if (!page) socket.destroy();
    });
    up.on('open', () => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        page = ws;
        sessions.push(session);
        pageSockets.add(ws);
        ws.on('message', (data) => {
          if (up.readyState === WebSocket.OPEN) up.send(bytes(data));
        });
        ws.on('close', () => {
          pageSockets.delete(ws);
          if (up.readyState === WebSocket.OPEN || up.readyState === WebSocket.CONNECTING) up.close(1000);
        });
        ws.on('error', () => ws.terminate());
        if (!held) for (const frame of early.splice(0)) fromServer(frame);
      });
    });
    up.on('close', (code) => {
      const open = page as WebSocket | null;
      if (!open || open.readyState !== WebSocket.OPEN) return;
      // 1005 and 1006 cannot be sent in a close frame: a vanished upstream is a dropped connection.
      if (code === 1005 || code === 1006) open.terminate();
      else open.close(code);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    fault: null,
    closeAfterSync: null,
    holdSync: false,
    sessions,
    closeSockets: (code, reason = 'injected fault') => {
      for (const ws of pageSockets) ws.close(code, reason);
    },
    close: async () => {
      for (const ws of pageSockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
};
