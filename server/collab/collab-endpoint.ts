/**
 * `GET /collab/:id?key=KEY`: the y-websocket endpoint. Everything that can be refused is refused
 * before the upgrade, with an HTTP status and the API's error body (bad id 400, no or wrong key 401,
 * bad Origin 403, unknown meeting 404, deleted meeting 410, too many connections 429/503, draining
 * 503); after it, PeerConnection takes over.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError } from 'fastify';
import { WebSocketServer, type Server as WsServer } from 'ws';
import { ACKS_PARAM } from '../../shared/protocol.js';
import type { Config } from '../config.js';
import { Errors } from '../errors.js';
import { checkMeetingId, openMeeting } from '../meetings/meeting-access.js';
import { keyFromRequest } from '../security/keys.js';
import { originAllowed } from '../security/origin.js';
import { StorageError, type MeetingStore } from '../storage/meeting-store.js';
import { PeerConnection, type ConnectionGrant, type ConnectionObserver, type ConnectionOptions } from './peer-connection.js';
import { PeerSocket } from './peer-socket.js';
import type { RoomRegistry } from './room-registry.js';

const COLLAB_PATH = /^\/collab\/([^/?#]*)$/;

/** What the endpoint needs from the app. */
export interface CollabDeps {
  config: Config;
  store: MeetingStore;
  registry: RoomRegistry;
  log: FastifyBaseLogger;
  isDraining(): boolean;
  observer?: ConnectionObserver & { refusedUpgrade?(status: number): void; connected?(role: string, delta: 1 | -1): void };
}

/** Serves WebSocket upgrades for meetings and keeps the set of live connections. */
export class CollabEndpoint {
  readonly #wss: WsServer<typeof PeerSocket>;
  readonly #deps: CollabDeps;
  // What every connection shares (one object, not one per socket: heap per connection counts).
  readonly #peerOptions: ConnectionOptions;
  // Each live connection with its grant (the counts to give back when it closes).
  readonly #connections = new Map<PeerConnection, Grant>();
  readonly #perAddress = new Map<string, number>();
  readonly #perMeeting = new Map<string, number>();
  readonly #pinger: NodeJS.Timeout;
  #nextId = 1;

  constructor(deps: CollabDeps) {
    this.#deps = deps;
    // clientTracking off: this endpoint keeps its own set, and ws's would add a Set entry and a
    // close listener per socket.
    this.#wss = new WebSocketServer<typeof PeerSocket>({ noServer: true, maxPayload: deps.config.maxFrameBytes, perMessageDeflate: false, clientTracking: false, WebSocket: PeerSocket });
    this.#peerOptions = {
      limits: deps.config,
      log: deps.log,
      debug: ['debug', 'trace'].includes(deps.log.level),
      closed: (connection, code) => this.#closed(connection, code),
      ...(deps.observer ? { observer: deps.observer } : {}),
    };
    this.#pinger = setInterval(() => {
      for (const connection of this.#connections.keys()) connection.ping();
    }, deps.config.pingIntervalMs);
    this.#pinger.unref();
  }

  /** Live connections. */
  get size(): number {
    return this.#connections.size;
  }

  /** The HTTP server's 'upgrade' listener. */
  readonly handleUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A listener that closes over nothing: an arrow here would share this function's context, and
    // with it keep `request` and `head` (the upgrade's IncomingMessage and read buffer) alive for
    // as long as the socket lives.
    socket.on('error', destroyOnError);
    this.#authorize(request).then(
      (grant) => {
        if ('status' in grant) return refuse(socket, grant.status, grant.error, grant.message, () => this.#deps.observer?.refusedUpgrade?.(grant.status));
        this.#wss.handleUpgrade(request, socket, head, (ws) => {
          // ws destroys the socket on errors from now on; one listener fewer per socket.
          socket.off('error', destroyOnError);
          this.#accept(ws, grant);
        });
      },
      (error: unknown) => {
        const storage = error instanceof StorageError;
        if (storage) this.#deps.log.warn({ err: error }, 'upgrade refused: storage unavailable');
        else this.#deps.log.error({ err: error }, 'upgrade failed');
        const [status, code] = storage ? [503, 'storage_unavailable'] : [500, 'internal'];
        refuse(socket, status, code, 'the server cannot check this meeting right now', () => this.#deps.observer?.refusedUpgrade?.(status));
      },
    );
  };

  async #authorize(request: IncomingMessage): Promise<Grant | Denial> {
    const { config, store } = this.#deps;
    const url = request.url ?? '';
    const path = url.split('?')[0]!;
    const match = COLLAB_PATH.exec(path);
    if (!match) return deny(404, 'not_found', 'no such endpoint');
    try {
      // A malformed escape (`%zz`) is a bad id, not a server error.
      const id = safeDecode(match[1]!) ?? '';
      checkMeetingId(id);
      if (this.#deps.isDraining()) return deny(503, 'draining', 'the server is shutting down');
      if (!originAllowed(request.headers.origin, request.headers.host, config.allowedOrigins)) throw new Errors.OriginNotAllowed();
      const { role } = await openMeeting(store, id, keyFromRequest(request.headers.authorization, url));
      return this.#admit(request, id, role);
    } catch (error) {
      const { statusCode, code, message } = error as Partial<FastifyError>;
      // Coded refusals (400, 401, 403, 404, 410) answer like the HTTP API; anything else is the caller's 503.
      if (statusCode && statusCode < 500 && code) return deny(statusCode, code.toLowerCase(), message ?? code);
      throw error;
    }
  }

  #admit(request: IncomingMessage, id: string, role: Grant['role']): Grant | Denial {
    const { config } = this.#deps;
    const url = request.url ?? '';
    const path = url.split('?')[0]!;
    const address = clientAddress(request, config.trustProxy);
    if ((this.#perAddress.get(address) ?? 0) >= config.maxConnectionsPerAddress) return deny(429, 'too_many_connections', 'too many connections from this address');
    if ((this.#perMeeting.get(id) ?? 0) >= config.maxConnectionsPerMeeting) return deny(503, 'meeting_full', 'this meeting has too many connections');
    const acks = new URLSearchParams(url.slice(path.length + 1)).get(ACKS_PARAM) === '1';
    return { id, role, acks, address, number: 0 };
  }

  #accept(ws: PeerSocket, grant: Grant): void {
    grant.number = this.#nextId++;
    const connection = new PeerConnection(ws, this.#deps.registry, this.#peerOptions, grant);
    this.#connections.set(connection, grant);
    bump(this.#perAddress, grant.address, 1);
    bump(this.#perMeeting, grant.id, 1);
    this.#deps.observer?.connected?.(grant.role, 1);
    if (this.#peerOptions.debug) connection.log().debug('connected');
  }

  // The connection's socket has closed (PeerConnection calls this once).
  #closed(connection: PeerConnection, code: number): void {
    const grant = this.#connections.get(connection);
    if (!grant) return;
    this.#connections.delete(connection);
    bump(this.#perAddress, grant.address, -1);
    bump(this.#perMeeting, grant.id, -1);
    this.#deps.observer?.connected?.(grant.role, -1);
    if (this.#peerOptions.debug) connection.log().debug({ code }, 'disconnected');
  }

  /** Stops pinging and closes the WebSocket server (rooms close their own peers). */
  close(): void {
    clearInterval(this.#pinger);
    this.#wss.close();
  }
}

interface Grant extends ConnectionGrant {
  address: string;
}

interface Denial {
  status: number;
  error: string;
  message: string;
}

// Behind a proxy every socket comes from the proxy; the entry it appended last is the real client
// (entries before it come from the client and can be forged).
const clientAddress = (request: IncomingMessage, trustProxy: boolean): string => {
  const forwarded = request.headers['x-forwarded-for'];
  const last = trustProxy && typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
  return last || request.socket.remoteAddress || 'unknown';
};

function destroyOnError(this: Duplex): void {
  this.destroy();
}

const safeDecode = (text: string): string | null => {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
};

const deny = (status: number, error: string, message: string): Denial => ({ status, error, message });

const bump = (counts: Map<string, number>, key: string, delta: number): void => {
  const next = (counts.get(key) ?? 0) + delta;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
};

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

const refuse = (socket: Duplex, status: number, error: string, message: string, counted?: () => void): void => {
  counted?.();
  if (!socket.writable) return void socket.destroy();
  const body = JSON.stringify({ error, message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
};
