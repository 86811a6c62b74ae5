/** Owns a meeting's Y.Doc, its offline copy, the awareness and the connection to the server. */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import { IndexeddbPersistence } from 'y-indexeddb';
import { CLOSE, CLOSE_MESSAGES, FINAL_CLOSE_CODES, MESSAGE, ACKS_PARAM } from '../../shared/protocol.js';
import { metaOf, titleOf } from '../../shared/doc-schema.js';
import { ApiError, getMeeting } from '../lib/api.js';
import { countingSocketClass, type SocketCounters } from '../lib/counting-socket.js';
import { SaveTracker, type SaveState } from '../lib/save-tracker.js';
import { forgetMeeting, rememberMeeting } from '../lib/my-meetings.js';
import { lighten } from '../lib/colors.js';
import type { Identity } from '../lib/identity.js';

/** Connection state shown to the user. */
export type Connection = 'connecting' | 'live' | 'offline' | 'stopped';

/** A message shown above the meeting. */
export interface Banner {
  kind: 'error' | 'info';
  text: string;
}

/** One Y.Doc, IndexedDB copy and y-websocket provider for the meeting `id`, opened with `key`. */
export class MeetingController implements ReactiveController {
  doc = new Y.Doc();
  awareness = new Awareness(this.doc);
  connection: Connection = 'connecting';
  save: SaveState = 'unknown';
  role: 'edit' | 'view' | null = null;
  title = '';
  banner: Banner | null = null;

  private provider: WebsocketProvider | null = null;
  private persistence: IndexeddbPersistence | null = null;
  private tracker = new SaveTracker();
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
    this.persistence = new IndexeddbPersistence(`meetpad:${this.id}`, this.doc);
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
    metaOf(this.doc).unobserve(this.onMeta);
    this.doc.off('update', this.onUpdate);
    this.provider?.destroy();
    this.provider = null;
    void this.persistence?.destroy();
    this.persistence = null;
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

  /** Checks the meeting still exists and the key works (when online), then connects. */
  private async connectIfAllowed(): Promise<void> {
    if (!navigator.onLine) {
      rememberMeeting({ id: this.id, key: this.key }); // role unknown until the server answers
      this.setConnection('offline');
      return;
    }
    const verdict = await this.checkAccess();
    if (verdict === 'ok' && this.active && !this.provider) this.connect();
    else if (verdict === 'ok' && this.provider && !this.provider.shouldConnect) this.provider.connect();
  }

  /** Asks the HTTP API about the meeting; stops everything on 401/404. */
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
      if (!(error instanceof ApiError)) {
        // Offline or unreachable: remember the link anyway, the provider keeps trying.
        rememberMeeting({ id: this.id, key: this.key });
        return 'ok';
      }
      if (error.status === 404) {
        this.stop("This meeting doesn't exist (it may have been deleted).");
        await this.clearLocalCopy();
      } else if (error.status === 401 || error.status === 403) {
        this.stop("This link's key is wrong: ask for a new link.");
      } else if (error.status === 400) {
        this.stop('This is not a valid meeting link.');
      } else {
        return 'ok';
      }
      return 'stop';
    }
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
      if (status === 'connected') this.failures = 0;
      if (status !== 'connected') this.setConnection(this.failures > 0 || this.save === 'saved' ? 'offline' : 'connecting');
      this.refreshSave();
    });
    provider.on('sync', (synced: boolean) => {
      if (!synced) return;
      this.setConnection('live');
      if (this.banner?.kind === 'info') this.banner = null;
      this.refreshSave();
    });
    provider.on('connection-close', (event: CloseEvent | null, _provider: WebsocketProvider) => this.onClose(event));
    provider.on('closed', ({ code }: { code: number }) => {
      this.stop(CLOSE_MESSAGES[code] ?? `The connection was closed (${code}).`);
      if (code === CLOSE.deleted) void this.clearLocalCopy();
    });
    this.provider = provider;
  }

  private onClose(event: CloseEvent | null): void {
    if (!event) return; // closed by us
    this.failures++;
    const opened = (event.target as Partial<SocketCounters> | null)?.opened === true;
    if (CLOSE_MESSAGES[event.code] && !FINAL_CLOSE_CODES.has(event.code)) {
      this.banner = { kind: 'info', text: CLOSE_MESSAGES[event.code] };
    }
    // Refusals before the upgrade (401, 404) reach us only as a failed connection: ask the API why.
    if (!opened && navigator.onLine && !this.checking) {
      this.checking = true;
      void this.checkAccess().finally(() => {
        this.checking = false;
      });
    }
    this.setConnection('offline');
  }

  private stop(message: string): void {
    if (this.provider) {
      this.provider.shouldConnect = false;
      this.provider.disconnect();
    }
    this.banner = { kind: 'error', text: message };
    this.setConnection('stopped');
  }

  private async clearLocalCopy(): Promise<void> {
    forgetMeeting(this.id);
    const persistence = this.persistence;
    this.persistence = null;
    await persistence?.clearData();
  }

  private setConnection(connection: Connection): void {
    if (this.connection === 'stopped') return;
    this.connection = connection;
    this.host.requestUpdate();
  }

  private refreshSave(): void {
    const save = this.tracker.state();
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
    if (origin !== this.provider) this.tracker.localChange();
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
    this.setConnection('offline');
    this.refreshSave();
  };
}
