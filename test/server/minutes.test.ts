/**
 * Minutes (GUIDE 1.8): `GET /api/meetings/:id/minutes.md` for a scripted run of the seed meeting,
 * with the server's clock moved by hand, compared with an expected file byte for byte.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { parseMeeting, type ParsedTopic } from '../../shared/meeting-parser.js';
import { endMeeting, nextTopic, runOf, startTopic, type RunMove } from '../../shared/meeting-run.js';
import { joinMeeting, type Attendee } from '../helpers/clients.js';
import { buildTestApp, createMeeting as createInApp } from '../helpers/inject-app.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';

const seed = readFileSync(new URL('../fixtures/status-devs-meeting-1.md', import.meta.url), 'utf8');
const expectedMinutes = readFileSync(new URL('../fixtures/minutes-expected.md', import.meta.url), 'utf8');
const T0 = Date.parse('2018-08-06T12:00:00Z');
const MIN = 60_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const start = async (clock: ManualClock): Promise<TestServer> => {
  const server = await startTestServer({ deps: { clock } });
  cleanups.push(() => server.close());
  return server;
};
const topicsOf = (doc: Y.Doc): ParsedTopic[] => parseMeeting({ agenda: agendaOf(doc).toString(), notes: notesOf(doc).toString() }).topics;
const minutesOf = (server: TestServer, id: string, key: string, host = 'notes.example.org') =>
  server.app.inject({ method: 'GET', url: `/api/meetings/${id}/minutes.md`, headers: { authorization: `Bearer ${key}`, host } });

/**
 * Someone in the meeting: a stock client with a display name, once the server shows it. It is
 * recorded after the tracker's SETTLE_MS, as joined from now: the script's next clock moves do that.
 */
const arrive = async (server: TestServer, id: string, key: string, name: string): Promise<Attendee> => {
  const attendee = await joinMeeting(server.wsUrl, id, key);
  cleanups.push(() => attendee.destroy());
  attendee.provider.awareness.setLocalStateField('user', { name, color: '#336699' });
  const shown = () => [...(server.app.meetpad.registry.loadedRoom(id)?.awareness.getStates().values() ?? [])].some((s) => (s as { user?: { name?: string } }).user?.name === name);
  await waitFor(shown, `${name} shown`);
  return attendee;
};
const leave = async (server: TestServer, id: string, attendee: Attendee): Promise<void> => {
  const states = () => server.app.meetpad.registry.loadedRoom(id)!.awareness.getStates().size;
  const before = states();
  attendee.destroy();
  await waitFor(() => states() === before - 1, 'the attendee gone');
};
const appendTo = (text: Y.Text, after: string, insert: string): void => {
  const at = text.toString().indexOf(after);
  if (at === -1) throw new Error(`"${after}" not found`);
  text.insert(at + after.length, insert);
};

describe('minutes', () => {
  test('a scripted run of the seed meeting gives the expected minutes, byte for byte', async () => {
    const clock = new ManualClock(T0);
    const server = await start(clock);
    const meeting = await createMeeting(server.url, { markdown: seed });
    const oskar = await arrive(server, meeting.id, meeting.editKey, 'Oskar');
    const doc = oskar.doc;
    const synced = () => waitFor(() => Buffer.from(Y.encodeStateVector(server.app.meetpad.registry.loadedRoom(meeting.id)!.doc)).equals(Buffer.from(Y.encodeStateVector(doc))), 'the edit on the server');

    // The facilitator gives two topics a time box before starting.
    appendTo(agendaOf(doc), 'feedback (Oskar)', ' 5 min');
    appendTo(agendaOf(doc), 'General infra (Jakub?)', ' 10 min');
    const topics = topicsOf(doc);
    const topic = (title: string) => topics.find((t) => t.title === title)!;
    const next = async (minutes: number) => {
      await clock.advance(minutes * MIN);
      const current = runOf(doc).current;
      expect(nextTopic(doc, topics, current?.topicId ?? null, clock.now()).moved).toBe(true);
    };

    await next(0); // 12:00 Introduction
    await clock.advance(2 * MIN);
    const jakub = await arrive(server, meeting.id, meeting.editKey, 'Jakub');
    await next(0); // 12:02 Purpose...
    await next(6); // 12:08 Infrastructure updates
    await next(1); // 12:09 General infra
    await clock.advance(5 * MIN);
    // Jakub writes down a decision and action items while his topic runs.
    notesOf(jakub.doc).insert(
      notesOf(jakub.doc).length,
      '\n\n## Decisions\n\n- Add the Hong Kong fleet in the next release\n\n## Action items\n\n- [ ] Fix the desktop build @Jakub due 2018-08-10\n- [ ] Share the Kibana dashboard @Jakub @Corey\n- [x] Book the next meeting\n- [ ] Review the audit scope @corey\n',
    );
    await next(7); // 12:21 Hello, Security
    const corey = await arrive(server, meeting.id, meeting.viewKey, 'Corey');
    await clock.advance(3 * MIN);
    await leave(server, meeting.id, jakub); // 12:24
    // The rest of the infrastructure topics are skipped: straight to Meta.
    await clock.advance(MIN);
    expect(startTopic(doc, topic('Meta'), clock.now())).toBe(true); // 12:25
    await clock.advance(30_000);
    await leave(server, meeting.id, corey); // 12:25:30
    await clock.advance(4.5 * MIN);
    expect(endMeeting(doc, clock.now())).toBe(true); // 12:30
    await synced();
    await clock.advance(MIN);

    const response = await minutesOf(server, meeting.id, meeting.viewKey);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.replaceAll(meeting.id, 'MEETING_ID')).toBe(expectedMinutes);
  });

  test('running the meeting leaves the export byte for byte as it was', async () => {
    const clock = new ManualClock(T0);
    const server = await start(clock);
    const meeting = await createMeeting(server.url, { markdown: seed });
    const oskar = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    cleanups.push(() => oskar.destroy());
    const topics = topicsOf(oskar.doc);
    let from: string | null = null;
    for (let i = 0; i < 4; i++) {
      const move: RunMove = nextTopic(oskar.doc, topics, from, clock.now());
      from = move.moved && move.to ? move.to.id : null;
      await clock.advance(3 * MIN);
    }
    endMeeting(oskar.doc, clock.now());
    await waitFor(() => Buffer.from(Y.encodeStateVector(server.app.meetpad.registry.loadedRoom(meeting.id)!.doc)).equals(Buffer.from(Y.encodeStateVector(oskar.doc))), 'the run on the server');
    const exported = await server.app.inject({ url: `/api/meetings/${meeting.id}/export.md`, headers: { authorization: `Bearer ${meeting.viewKey}` } });
    expect(exported.body).toBe(seed);
    expect((await minutesOf(server, meeting.id, meeting.editKey)).body).toContain('12 min in all of 90 min planned.');
  });

  test('a meeting never run lists its agenda; the link is relative without a usable Host; keys are checked', async () => {
    const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
    const server = await start(clock);
    const meeting = await createMeeting(server.url, { title: 'Retro' });
    const response = await minutesOf(server, meeting.id, meeting.viewKey, 'not a host');
    expect(response.body).toBe(
      [
        '# Minutes: Retro',
        '',
        '- Date: 2026-03-02',
        '- Present: nobody recorded',
        `- Meeting: /m/${meeting.id}`,
        '',
        '## Topics',
        '',
        'Not timed on meetpad. The agenda:',
        '',
        '1. Check-in (everyone)',
        '',
        '## Decisions',
        '',
        'None recorded.',
        '',
        '## Action items',
        '',
        'None recorded.',
        '',
      ].join('\n'),
    );
    const noKey = await server.app.inject({ url: `/api/meetings/${meeting.id}/minutes.md` });
    expect(noKey.statusCode).toBe(401);
    expect(noKey.json()).toMatchObject({ error: 'key_required' });
    const viaQuery = await server.app.inject({ url: `/api/meetings/${meeting.id}/minutes.md?key=${meeting.viewKey}`, headers: { host: '[::1]:3000' } });
    expect(viaQuery.body).toContain(`- Meeting: http://[::1]:3000/m/${meeting.id}\n`);
  });

  test('behind a trusted proxy the link uses the forwarded scheme and host; a forwarded scheme that is not http(s) gives a relative link', async () => {
    const { app, close } = await buildTestApp({ config: { trustProxy: true } });
    cleanups.push(close);
    const meeting = await createInApp(app, { title: 'Proxied' });
    const linkOf = async (headers: Record<string, string>) => {
      const response = await app.inject({ url: `/api/meetings/${meeting.id}/minutes.md`, headers: { authorization: `Bearer ${meeting.viewKey}`, ...headers } });
      return /^- Meeting: (.*)$/m.exec(response.body)?.[1];
    };
    expect(await linkOf({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'notes.example.org' })).toBe(`https://notes.example.org/m/${meeting.id}`);
    expect(await linkOf({ 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'notes.example.org' })).toBe(`/m/${meeting.id}`);
    expect(await linkOf({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example/../x' })).toBe(`/m/${meeting.id}`);
  });
});
