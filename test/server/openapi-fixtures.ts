/**
 * The world the drift test's cases (openapi-cases.ts) run in: one real server with every token set,
 * a ManualClock and a tiny client build; a meeting with items and an attendee who came and left;
 * a series with a meeting that has an open item. Requests go through `app.inject()`, except the
 * WebSocket upgrade, which is sent to the real port (inject cannot upgrade).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { MeetpadApp } from '../../server/app.js';
import { SETTLE_MS } from '../../server/attendance/attendance-tracker.js';
import type { Config } from '../../server/config.js';
import type { AttendanceList, CreatedMeeting, CreatedSeries, CreatedSeriesMeeting } from '../../shared/api-types.js';
import { joinMeeting } from '../helpers/clients.js';
import { buildTestApp } from '../helpers/inject-app.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { startTestServer, tempDir, waitFor, type TestServer } from '../helpers/server.js';
import { watchApp, type Watch } from './openapi-watch.js';

/** One request of a case. A `upgrade: websocket` header makes it a WebSocket upgrade. */
export interface ApiRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';
  url: string;
  headers?: Record<string, string>;
  /** An object goes as JSON; a string as it is (set its content-type). */
  payload?: string | Record<string, unknown>;
}

/** What came back, body read in full. */
export interface ApiResponse {
  status: number;
  contentType: string | undefined;
  body: string;
}

/** What the cases build their requests from. */
export interface Fixtures {
  tokens: { admin: string; create: string; metrics: string };
  /** A meeting with action items, decisions, topics, and an attendee who has left. */
  meeting: CreatedMeeting;
  /** A series (weekly) with one meeting that has an open action item. */
  series: CreatedSeries;
  seriesMeeting: CreatedSeriesMeeting;
  /** A well-formed meeting or series id that nothing has. */
  unknownId: string;
  /** A fresh meeting of its own (for cases that delete or change it). */
  newMeeting(): Promise<CreatedMeeting>;
  /** A fresh series of its own. */
  newSeries(): Promise<CreatedSeries>;
  /** Sends a request to the shared server (to set up what a case needs). */
  send(request: ApiRequest): Promise<ApiResponse>;
}

/** `Authorization: Bearer TOKEN`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

const TOKENS = { admin: 'drift-admin-token-0123456789', create: 'drift-create-token-0123456789', metrics: 'drift-metrics-token-0123456789' };
const CONFIG: Partial<Config> = { adminToken: TOKENS.admin, createToken: TOKENS.create, metricsToken: TOKENS.metrics };

const MEETING_PAGE = `# Weekly sync

**2026-01-05 10:00**

## Agenda

1. Release plan (Anna) 10 min
2. Hiring (Ben?) 5m

# Notes

## Release plan

- [ ] Write the changelog @anna due 2026-01-09
- [x] Tag the release @ben

### Decisions

- Ship on Friday
`;

const SERIES_TEMPLATE = `# {{title}}

**{{date}}**

## Agenda

1. Status (Anna) 10 min

# Notes

- [ ] Book the room @anna
`;

const headerOf = (value: string | string[] | number | undefined): string | undefined => (value === undefined ? undefined : String(value));

/** Sends through `app.inject()`. */
export const injectSender =
  (app: MeetpadApp) =>
  async ({ method, url, headers = {}, payload }: ApiRequest): Promise<ApiResponse> => {
    const json = payload !== undefined && typeof payload !== 'string';
    const response = await app.inject({
      method,
      url,
      headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(payload === undefined ? {} : { payload: json ? JSON.stringify(payload) : payload }),
    });
    return { status: response.statusCode, contentType: headerOf(response.headers['content-type']), body: response.body };
  };

/** Sends a WebSocket upgrade to a listening server: 101 (then hangs up) or the refusal with its body. */
const upgradeSender =
  (port: number) =>
  ({ url, headers = {} }: ApiRequest): Promise<ApiResponse> =>
    new Promise((resolve, reject) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port,
        path: url,
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), ...headers },
      });
      request.on('upgrade', (response, socket) => {
        socket.destroy();
        resolve({ status: response.statusCode ?? 0, contentType: headerOf(response.headers['content-type']), body: '' });
      });
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, contentType: headerOf(response.headers['content-type']), body }));
      });
      request.on('error', reject);
      request.end();
    });

const created = async <T>(send: Fixtures['send'], request: ApiRequest): Promise<T> => {
  const response = await send(request);
  if (response.status !== 201) throw new Error(`${request.method} ${request.url}: ${response.status} ${response.body}`);
  return JSON.parse(response.body) as T;
};

/** The running world: fixtures, a way to run a case on an app of its own, and cleanup. */
export interface ApiWorld {
  fx: Fixtures;
  app: MeetpadApp;
  /** The server's routes and dropped fields (see openapi-watch.ts); own apps' dropped fields land here too. */
  watch: Watch;
  /** Builds a separate app (same config and client), lets `prepare` change it, and sends `request` to it. */
  sendToOwnApp(prepare: (app: MeetpadApp) => void | Promise<void>, request: ApiRequest): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** Starts the server and makes the fixtures. */
export const startApiWorld = async (): Promise<ApiWorld> => {
  const clientDir = await tempDir('meetpad-drift-client-');
  await mkdir(join(clientDir, 'assets'));
  await writeFile(join(clientDir, 'index.html'), '<!doctype html><title>meetpad</title><script type="module" src="/assets/app.js"></script>\n');
  await writeFile(join(clientDir, 'assets', 'app.js'), 'export {};\n');
  const clock = new ManualClock();
  let server: TestServer | undefined;
  const closers: Array<() => Promise<void> | void> = [() => rm(clientDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const { watch, instrument } = watchApp();
    server = await startTestServer({ config: CONFIG, deps: { clock, clientDir, instrument } });
    closers.push(() => server?.close());
    const inject = injectSender(server.app);
    const upgrade = upgradeSender(Number(new URL(server.url).port));
    const send = (request: ApiRequest): Promise<ApiResponse> => (request.headers?.upgrade === 'websocket' ? upgrade(request) : inject(request));
    const newMeeting = (payload: Record<string, unknown> = {}): Promise<CreatedMeeting> =>
      created<CreatedMeeting>(send, { method: 'POST', url: '/api/meetings', headers: bearer(TOKENS.create), payload });
    const newSeries = (): Promise<CreatedSeries> =>
      created<CreatedSeries>(send, { method: 'POST', url: '/api/series', headers: bearer(TOKENS.create), payload: { title: 'Retro', cadence: 'weekly', firstDate: '2026-01-05' } });

    const meeting = await newMeeting({ markdown: MEETING_PAGE });
    const series = await created<CreatedSeries>(send, {
      method: 'POST',
      url: '/api/series',
      headers: bearer(TOKENS.create),
      payload: { title: 'Status', cadence: 'weekly', template: SERIES_TEMPLATE, firstDate: '2026-01-05' },
    });
    const seriesMeeting = await created<CreatedSeriesMeeting>(send, { method: 'POST', url: `/api/series/${series.id}/meetings`, headers: bearer(series.editKey), payload: {} });

    // An attendee who was there for a while and left: every field of an attendee has a value.
    const attendee = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    closers.push(() => attendee.destroy());
    attendee.provider.awareness.setLocalStateField('user', { name: 'Anna', color: '#336699' });
    const attendees = async (): Promise<AttendanceList['attendees']> =>
      (JSON.parse((await send({ method: 'GET', url: `/api/meetings/${meeting.id}/attendance`, headers: bearer(meeting.viewKey) })).body) as AttendanceList).attendees;
    await waitFor(async () => {
      await clock.advance(SETTLE_MS);
      return (await attendees()).some((a) => a.present);
    }, 'the attendee to be recorded');
    attendee.destroy();
    await waitFor(async () => (await attendees()).every((a) => !a.present && a.lastLeft !== null), 'the attendee to have left');

    const fx: Fixtures = { tokens: TOKENS, meeting, series, seriesMeeting, unknownId: 'unknownMeeting0000', newMeeting: () => newMeeting(), newSeries, send };
    const app = server.app;
    return {
      fx,
      app,
      watch,
      sendToOwnApp: async (prepare, request) => {
        const ownWatch = watchApp();
        const own = await buildTestApp({ config: CONFIG, deps: { clientDir, instrument: ownWatch.instrument } });
        try {
          await prepare(own.app);
          return await injectSender(own.app)(request);
        } finally {
          watch.dropped.push(...ownWatch.watch.dropped);
          watch.compared += ownWatch.watch.compared;
          await own.close();
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
