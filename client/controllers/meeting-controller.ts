/** Owns a meeting's Y.Doc, its offline copy, the awareness and the connection to the server. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import { CLOSE, CLOSE_MESSAGES, FINAL_CLOSE_CODES, MESSAGE, ACKS_PARAM } from '../../shared/protocol.js';
import { metaOf, titleOf } from '../../shared/doc-schema.js';
import { accessRefusal } from '../lib/access-refusal.js';
import { ApiError, getMeeting } from '../lib/api.js';
import { countingSocketClass, type SocketCounters } from '../lib/counting-socket.js';
import { ReconnectPolicy } from '../lib/reconnect-policy.js';
import { retryMessage } from '../lib/retry-message.js';
import { LocalCopy } from '../lib/local-copy.js';
import { SaveTracker, type SaveState } from '../lib/save-tracker.js';
import { forgetMeeting, rememberMeeting } from '../lib/my-meetings.js';
import { lighten } from '../lib/colors.js';
import type { Identity } from '../lib/identity.js';

/** Connection state shown to the user. */
export type Connection = 'connecting' | 'live' | 'offline' | 'stopped';

/** Something the person can do from a banner. */
export type BannerAction = 'download' | 'discard' | 'retry';

/** A message shown above the meeting. */
export interface Banner {
  kind: 'error' | 'info';
  text: string;
  /** Buttons offered with the message. */
  actions?: readonly BannerAction[];
  /** After a failed connection, until the next one syncs: the failure count, the wait announced, the close code. */
  retry?: { attempt: number; delayMs: number; code: number };
}

/**
 * The server no longer serves the meeting: `unknown` (not found: the offline copy is kept),
 * `deleted-unsaved` (deleted, but this browser has unacknowledged edits: the person chooses) or
 * `deleted` (the offline copy is discarded).
 */
export type Lost = 'unknown' | 'deleted-unsaved' | 'deleted';

/** One Y.Doc, IndexedDB copy and y-websocket provider for the meeting `id`, opened with `key`. */
export class MeetingController implements ReactiveController {
  doc = new Y.Doc();
  awareness = new Awareness(this.doc);
  connection: Connection = 'connecting';
  save: SaveState = 'unknown';
  role: 'edit' | 'view' | null = null;
  title = '';
  banner: Banner | null = null;
  lost: Lost | null = null;

  private provider: WebsocketProvider | null = null;
  private copy: LocalCopy | null = null;
  private tracker = new SaveTracker();
  private readonly policy = new ReconnectPolicy();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private active = false;
  private checking = false;
  private failures = 0;
  private identity: Identity | null = null;

  constructor(private readonly host: ReactiveControllerHost, readonly id: string, readonly key: string) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.active) return;
    this.active = true;
    if (this.doc.isDestroyed) {
      this.doc = new Y.Doc();
      this.awareness = new Awareness(this.doc);
      this.tracker = new SaveTracker();
    }
    if (this.identity) this.setIdentity(this.identity);
    this.copy = new LocalCopy(this.id, this.doc);
    metaOf(this.doc).observe(this.onMeta);
    this.doc.on('update', this.onUpdate);
    window.addEventListener('online', this.onOnline);
    window.addEventListener('offline', this.onOffline);
    void this.connectIfAllowed();
  }

  hostDisconnected(): void {
    this.active = false;
    window.removeEventListener('online', this.onOnline);
    window.removeEventListener('offline', this.onOffline);
    this.cancelRetry();
    metaOf(this.doc).unobserve(this.onMeta);
    this.doc.off('update', this.onUpdate);
    this.provider?.destroy();
    this.provider = null;
    this.copy?.close();
    this.copy = null;
    this.awareness.destroy();
    this.doc.destroy();
  }

  /** Publishes the attendee's name and colour in the awareness. */
  setIdentity(identity: Identity): void {
    this.identity = identity;
    this.awareness.setLocalStateField('user', { name: identity.name, color: identity.color, colorLight: lighten(identity.color) });
  }

  /** Publishes which section the attendee is working in. */
  setSection(section: 'agenda' | 'notes' | null): void {
    if (this.awareness.getLocalState()?.section !== section) this.awareness.setLocalStateField('section', section);
  }

  /** Reconnects at once instead of waiting out the announced delay. */
  retryNow(): void {
    this.reconnect();
  }

  /** The meeting as Markdown from this browser's copy (agenda then notes, as the server exports). */
  localMarkdown(): Promise<string> {
    return this.copy?.markdown() ?? Promise.resolve('');
  }

  /** Discards the offline copy of a deleted meeting (after the person chose to, if it had edits). */
  async discardLocalCopy(): Promise<void> {
    this.lost = 'deleted';
    this.banner = { kind: 'error', text: CLOSE_MESSAGES[CLOSE.deleted] ?? 'This meeting was deleted.' };
    this.host.requestUpdate();
    forgetMeeting(this.id);
    await this.copy?.discard();
  }

  /** Checks the meeting still exists and the key works (when online), then connects. */
  private async connectIfAllowed(): Promise<void> {
    if (!navigator.onLine) {
      rememberMeeting({ id: this.id, key: this.key }); // role unknown until the server answers
      this.setConnection('offline');
      return;
    }
    const verdict = await this.checkAccess();
    if (verdict === 'ok' && this.active && !this.provider) this.connect();
    else if (verdict === 'ok' && this.provider && !this.provider.shouldConnect) this.reconnect();
  }

  /** Asks the HTTP API about the meeting; stops everything on 400/401/403/404/410. */
  private async checkAccess(): Promise<'ok' | 'stop'> {
    try {
      const info = await getMeeting(this.id, this.key);
      if (!this.active) return 'stop';
      this.role = info.role;
      if (!this.title) this.title = info.title;
      rememberMeeting({ id: this.id, title: this.title || info.title, [info.role === 'edit' ? 'editKey' : 'viewKey']: this.key });
      this.host.requestUpdate();
      return 'ok';
    } catch (error) {
      if (!this.active) return 'stop';
      if (!(error instanceof ApiError)) {
        // Offline or unreachable: remember the link anyway, the provider keeps trying.
        rememberMeeting({ id: this.id, key: this.key });
        return 'ok';
      }
      switch (accessRefusal(error.status, error.code)) {
        case 'deleted':
          this.onDeleted();
          return 'stop';
        case 'unknown':
          // A proxy's 404 or a server on an empty data directory: this copy may be the last one.
          this.lost = 'unknown';
          this.stop('This server does not know this meeting. Your copy is kept in this browser.', ['download']);
          return 'stop';
        case 'key':
          this.stop("This link's key is wrong: ask for a new link.");
          return 'stop';
        case 'link':
          this.stop('This is not a valid meeting link.');
          return 'stop';
        case 'transient':
          return 'ok';
      }
    }
  }

  /** The server said the meeting was deleted: discard the copy, unless it has edits to save first. */
  private onDeleted(): void {
    if (this.copy?.unsaved) {
      this.lost = 'deleted-unsaved';
      this.stop('This meeting was deleted. You have unsaved edits: download them before discarding this copy.', ['download', 'discard']);
      return;
    }
    this.stop(CLOSE_MESSAGES[CLOSE.deleted] ?? 'This meeting was deleted.');
    void this.discardLocalCopy();
  }

  private connect(): void {
    const wsBase = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/collab`;
    const provider = new WebsocketProvider(wsBase, this.id, this.doc, {
      awareness: this.awareness,
      params: { key: this.key, [ACKS_PARAM]: '1' },
      WebSocketPolyfill: countingSocketClass(this.onSocket, () => this.doc.clientID),
      shouldReconnect: (event) => !FINAL_CLOSE_CODES.has(event.code),
    });
    // y-websocket logs an error for message types it does not know: acks are read by the socket itself.
    provider.messageHandlers[MESSAGE.saved] = () => {};
    provider.on('status', ({ status }) => {
      if (status === 'connecting') this.policy.attempt();
      if (status === 'connected') this.failures = 0;
      if (status !== 'connected') this.setConnection(this.failures > 0 || this.save === 'saved' ? 'offline' : 'connecting');
      this.refreshSave();
    });
    provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      this.policy.synced();
      this.setConnection('live');
      if (this.banner?.kind === 'info') this.banner = null;
      this.refreshSave();
    });
    provider.on('connection-close', (event: CloseEvent | null, _provider: WebsocketProvider) => this.onClose(event));
    provider.on('closed', ({ code }: { code: number }) => {
      if (code === CLOSE.deleted) this.onDeleted();
      else this.stop(CLOSE_MESSAGES[code] ?? `The connection was closed (${code}).`);
    });
    this.provider = provider;
  }

  private onClose(event: CloseEvent | null): void {
    if (!event) return; // closed by us
    this.failures++;
    const opened = (event.target as Partial<SocketCounters> | null)?.opened === true;
    if (!FINAL_CLOSE_CODES.has(event.code)) this.scheduleRetry(event.code);
    // Refusals before the upgrade (401, 404) reach us only as a failed connection: ask the API why.
    if (!opened && navigator.onLine && !this.checking) {
      this.checking = true;
      void this.checkAccess().finally(() => {
        this.checking = false;
      });
    }
    this.setConnection('offline');
  }

  /**
   * Takes the next attempt out of y-websocket's hands: it resets its backoff whenever a socket syncs,
   * so a server that syncs and then closes (4503) would be hammered several times a second.
   */
  private scheduleRetry(code: number): void {
    const provider = this.provider;
    if (!provider) return;
    provider.shouldConnect = false; // the attempt y-websocket schedules now does nothing
    this.cancelRetry();
    const delayMs = this.policy.closed();
    const attempt = this.policy.failures;
    const text = retryMessage(code, delayMs, attempt, this.role !== 'view');
    if (text) this.banner = { kind: 'info', text, actions: ['retry'], retry: { attempt, delayMs, code } };
    else if (this.banner?.retry) this.banner = null;
    this.retryTimer = setTimeout(() => this.reconnect(), delayMs);
  }

  private reconnect(): void {
    this.cancelRetry();
    if (!this.active || !this.provider || this.connection === 'stopped' || !navigator.onLine) return;
    const retry = this.banner?.retry;
    if (retry) this.banner = { kind: 'info', text: retryMessage(retry.code, null, retry.attempt, this.role !== 'view') ?? 'Reconnecting…', retry };
    this.host.requestUpdate();
    this.provider.connect();
  }

  private cancelRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private stop(message: string, actions: readonly BannerAction[] = []): void {
    this.cancelRetry();
    if (this.provider) {
      this.provider.shouldConnect = false;
      this.provider.disconnect();
    }
    this.banner = { kind: 'error', text: message, actions };
    this.setConnection('stopped');
  }

  private setConnection(connection: Connection): void {
    if (this.connection === 'stopped') return;
    this.connection = connection;
    this.host.requestUpdate();
  }

  private refreshSave(): void {
    const save = this.tracker.state();
    // The server stored edits it did not have: it can save (the connection is healthy).
    if (save === 'saved' && this.copy?.acknowledged()) this.policy.stored();
    if (save !== this.save) {
      this.save = save;
      this.host.requestUpdate();
    }
  }

  private readonly onSocket = (socket: WebSocket & SocketCounters): void => {
    this.tracker.socketEvent(socket);
    this.refreshSave();
  };

  private readonly onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin !== this.provider) {
      this.tracker.localChange();
      this.copy?.localUpdate(origin);
    }
    queueMicrotask(() => this.refreshSave());
  };

  private readonly onMeta = (): void => {
    const title = titleOf(this.doc);
    if (title && title !== this.title) {
      this.title = title;
      rememberMeeting({ id: this.id, title });
      this.host.requestUpdate();
    }
  };

  private readonly onOnline = (): void => {
    if (this.connection !== 'stopped') void this.connectIfAllowed();
  };

  private readonly onOffline = (): void => {
    // A socket on a dead network can take long to notice: drop it now, edits stay in IndexedDB.
    this.provider?.disconnect();
    this.cancelRetry(); // the online event reconnects
    if (this.banner?.retry) this.banner = null;
    this.setConnection('offline');
    this.refreshSave();
  };
}
