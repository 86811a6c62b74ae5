/**
 * `GET /api/meetings/:id/items` (GUIDE 1.6): what a meeting's page says, read from what is on
 * disk, for anyone holding a key that opens the meeting.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MeetingItems } from '../../shared/meeting-parser.js';
import { notesOf } from '../../shared/doc-schema.js';
import { joinMeeting } from '../helpers/clients.js';
import { buildTestApp, createMeeting, type TestApp } from '../helpers/inject-app.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import type { CreatedSeriesMeeting } from '../../shared/api-types.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { call, createSeries, exportOf, startNext } from './series-helpers.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/status-devs-meeting-1.md');

const PAGE = [
  '# Weekly sync',
  '',
  '## Agenda',
  '',
  '1. Release (Ana) 10 min',
  '2. Hiring (Bo?) 15 min',
  '',
  '# Notes',
  '',
  '## Release',
  '',
  '- [ ] Tag 1.4 @ana due 2025-03-14',
  '* [x] Write the changelog @bo',
  '- [ ] Ask @zoë and @jürgen (due 2025-02-30)',
  '',
  '```',
  '- [ ] not an item: inside a fence',
  '```',
  '<!-- - [ ] not an item: in a comment -->',
  '- [ ] ',
  '',
  '## Decisions',
  '',
  '- Ship on Friday',
  'Decision: no release on Mondays',
  '',
].join('\n');

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

const items = async (id: string, key: string) => {
  const response = await t.app.inject({ method: 'GET', url: `/api/meetings/${id}/items`, headers: { authorization: `Bearer ${key}` } });
  return { status: response.statusCode, body: response.json<MeetingItems & { error?: string }>(), headers: response.headers };
};

describe('GET /api/meetings/:id/items', () => {
  test('the seed fixture: its agenda topics with owners and the planned duration, and no items out of nowhere', async () => {
    const meeting = await createMeeting(t.app, { markdown: await readFile(FIXTURE, 'utf8') });
    const { status, body } = await items(meeting.id, meeting.viewKey);
    expect(status).toBe(200);
    expect(body.actionItems).toEqual([]);
    expect(body.plannedMinutes).toBe(90);
    expect(body.topics.length).toBeGreaterThan(5);
    const infra = body.topics.find((topic) => topic.text.startsWith('General infra'));
    expect(infra?.owners).toEqual([{ name: 'Jakub', tentative: true }]);
    for (const topic of body.topics) expect(Object.keys(topic).toSorted()).toEqual(['id', 'line', 'minutes', 'owners', 'text']);
  });

  test('a page with items: open and done items with assignees and due dates, decisions, nothing from code, comments or placeholders', async () => {
    const meeting = await createMeeting(t.app, { markdown: PAGE });
    const { status, body, headers } = await items(meeting.id, meeting.editKey);
    expect(status).toBe(200);
    expect(headers['cache-control']).toBe('no-store');
    expect(body.actionItems.map(({ text, done, assignees, due, section }) => ({ text, done, assignees, due, section }))).toEqual([
      { text: 'Tag 1.4 @ana due 2025-03-14', done: false, assignees: ['ana'], due: '2025-03-14', section: 'notes' },
      { text: 'Write the changelog @bo', done: true, assignees: ['bo'], due: null, section: 'notes' },
      { text: 'Ask @zoë and @jürgen (due 2025-02-30)', done: false, assignees: ['zoë', 'jürgen'], due: null, section: 'notes' },
    ]);
    // Lines count from 1 within the notes section (which starts at "# Notes").
    expect(body.actionItems[0]?.line).toBe(5);
    for (const item of body.actionItems) expect(Object.keys(item).toSorted()).toEqual(['assignees', 'done', 'due', 'id', 'line', 'section', 'text']);
    expect(body.decisions.map((decision) => decision.text)).toEqual(['Ship on Friday', 'no release on Mondays']);
    expect(body.topics.map(({ owners, minutes }) => ({ owners, minutes }))).toEqual([
      { owners: [{ name: 'Ana', tentative: false }], minutes: 10 },
      { owners: [{ name: 'Bo', tentative: true }], minutes: 15 },
    ]);
    expect(body.plannedMinutes).toBe(25);
  });

  test('ids stay the same when lines are added above an item, and ticking it keeps its id', async () => {
    const first = await createMeeting(t.app, { markdown: '# Notes\n\n- [ ] Fix the build @ana\n' });
    const second = await createMeeting(t.app, { markdown: '# Notes\n\nSomething new above.\n\n- [x] Fix the build @ana\n' });
    const [a, b] = [(await items(first.id, first.viewKey)).body.actionItems[0], (await items(second.id, second.viewKey)).body.actionItems[0]];
    expect(a?.id).toBe(b?.id);
    expect([a?.line, b?.line]).toEqual([3, 5]);
  });

  test('wrong, missing and other meetings\' keys are refused with coded errors', async () => {
    const meeting = await createMeeting(t.app, { markdown: PAGE });
    const other = await createMeeting(t.app);
    expect((await items(meeting.id, other.editKey)).body.error).toBe('wrong_key');
    const missing = await t.app.inject({ method: 'GET', url: `/api/meetings/${meeting.id}/items` });
    expect([missing.statusCode, missing.json().error]).toEqual([401, 'key_required']);
    expect((await items('bad!id', meeting.editKey)).status).toBe(400);
    expect((await items('unknownMeeting123', meeting.editKey)).status).toBe(404);
    const byQuery = await t.app.inject({ method: 'GET', url: `/api/meetings/${meeting.id}/items?key=${meeting.viewKey}` });
    expect(byQuery.statusCode).toBe(200);
    await t.app.inject({ method: 'DELETE', url: `/api/meetings/${meeting.id}`, headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect((await items(meeting.id, meeting.viewKey)).body.error).toBe('meeting_deleted');
  });
});

describe('items of a meeting being edited', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  test('an item typed by an attendee shows up once it is on disk', async () => {
    const response = await fetch(`${server.url}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Live' }) });
    const meeting = (await response.json()) as { id: string; editKey: string; viewKey: string };
    const editor = await joinMeeting(server.wsUrl, meeting.id, meeting.editKey);
    try {
      notesOf(editor.doc).insert(notesOf(editor.doc).length, '- [ ] Typed live @kim 📅 2025-04-01\n');
      const live = await waitFor(async () => {
        const answer = await fetch(`${server.url}/api/meetings/${meeting.id}/items?key=${meeting.viewKey}`);
        const body = (await answer.json()) as MeetingItems;
        return body.actionItems.find((item) => item.text.startsWith('Typed live'));
      }, 'the typed item to be listed');
      expect(live).toMatchObject({ done: false, assignees: ['kim'], due: '2025-04-01', section: 'notes' });
      // Listed means durable: storage alone rebuilds a page that has it.
      const stored = await server.app.meetpad.meetings.readDoc(meeting.id);
      expect(notesOf(stored).toString()).toContain('Typed live @kim');
      stored.destroy();
    } finally {
      editor.destroy();
    }
  });
});

describe('reads of a meeting whose last edit is not durable yet', () => {
  test('items, the rolling log, the minutes and carry-over answer only once the write has settled', async () => {
    const store = new MemoryStore();
    const server = await startTestServer({ deps: { store } });
    try {
      const series = await createSeries(server.url, { title: 'Held', template: '# {{title}}\n\n# Notes\n\n' });
      const meeting = await startNext(server.url, series);
      const editor = await joinMeeting(server.wsUrl, meeting.id, series.editKey);
      const resume = store.pauseWrites();
      let resumed = false;
      try {
        notesOf(editor.doc).insert(notesOf(editor.doc).length, '- [ ] Not durable yet @kim\n');
        // The server holds the edit in memory; its write is held by the store.
        await waitFor(() => notesOf(server.app.meetpad.registry.loadedRoom(meeting.id)!.doc).toString().includes('Not durable yet'), 'the server to apply the edit');
        const reads = {
          items: () => call(server.url, 'GET', `/api/meetings/${meeting.id}/items`, { key: meeting.viewKey }),
          log: () => call(server.url, 'GET', `/api/series/${series.id}`, { key: series.viewKey }),
          minutes: () => call(server.url, 'GET', `/api/meetings/${meeting.id}/minutes.md`, { key: meeting.viewKey }),
          carried: async () => {
            const next = await call<CreatedSeriesMeeting>(server.url, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey, body: {} });
            return next.status === 201 ? { ...next, text: await exportOf(server.url, next.body.id, next.body.viewKey) } : next;
          },
        };
        const answers = Object.entries(reads).map(async ([name, read]) => {
          const answer = await read();
          return { name, status: answer.status, early: !resumed, shows: answer.text.includes('Not durable yet') };
        });
        // Requests sent after these ones have been answered: a route that does not wait has answered too.
        for (let i = 0; i < 3; i++) expect((await call(server.url, 'GET', `/api/meetings/${meeting.id}`, { key: meeting.viewKey })).status).toBe(200);
        resumed = true;
        resume();
        const settled = await Promise.all(answers);
        // None showed the edit before it was durable; once it was, they all show it.
        expect(settled.filter((answer) => answer.early && answer.shows)).toEqual([]);
        expect(settled.map(({ name, status, shows }) => ({ name, status, shows }))).toEqual(
          Object.keys(reads).map((name) => ({ name, status: name === 'carried' ? 201 : 200, shows: true })),
        );
      } finally {
        if (!resumed) resume();
        editor.destroy();
      }
    } finally {
      await server.close();
    }
  });
});
