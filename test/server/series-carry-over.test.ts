/**
 * A recurring meeting run for three weeks through the API and a stock y-websocket client, where
 * nobody ever copies an open action item by hand: each next meeting carries what is still open,
 * ticked items stay behind, and the series' rolling log follows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedSeries, CreatedSeriesMeeting } from '../../shared/api-types.js';
import { agendaOf, notesOf } from '../../shared/doc-schema.js';
import { checkboxToggle, parseMeeting } from '../../shared/meeting-parser.js';
import { joinMeeting, pageOf } from '../helpers/clients.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { buildTestApp, type TestApp } from '../helpers/inject-app.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { call, carriedOver, createMeetingOn, createSeries, exportOf, getSeries, itemsOf, startNext } from './series-helpers.js';

describe('three weeks of a recurring meeting', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Waits until the items route (durable text) agrees with `check`. */
  const itemsOnDisk = (meeting: CreatedSeriesMeeting, check: (items: Awaited<ReturnType<typeof itemsOf>>) => boolean, what: string) =>
    waitFor(async () => check(await itemsOf(server.url, meeting.id, meeting.viewKey)), what);

  test('two open and one done in week 1; week 2 carries the two with links; one ticked there; week 3 carries the other; the log shows one', async () => {
    const series: CreatedSeries = await createSeries(server.url, { title: 'Team sync', firstDate: '2025-03-03' });

    // Week 1: the team writes three items, one of them already done.
    const week1 = await startNext(server.url, series);
    const writer = await joinMeeting(server.wsUrl, week1.id, series.editKey);
    try {
      const notes = notesOf(writer.doc);
      notes.insert(notes.length, '\n## Follow-ups\n\n- [ ] Send the minutes @ana due 2025-03-07\n- [ ] Book the room for the offsite @bo\n- [x] Fix the projector @carl\n');
      await itemsOnDisk(week1, (items) => items.actionItems.length === 3, 'the week 1 items to be on disk');
    } finally {
      writer.destroy();
    }

    // Week 2: started through the API, the two open items are there with links back, no key in them.
    const week2 = await startNext(server.url, series);
    expect(week2.date).toBe('2025-03-10');
    const page2 = await exportOf(server.url, week2.id, week2.editKey);
    expect(carriedOver(page2)).toEqual([
      `- [ ] Send the minutes @ana due 2025-03-07 (from [Team sync 2025-03-03](/m/${week1.id}))`,
      `- [ ] Book the room for the offsite @bo (from [Team sync 2025-03-03](/m/${week1.id}))`,
    ]);
    expect(page2.trimEnd().endsWith(carriedOver(page2).at(-1)!)).toBe(true);
    for (const key of [series.editKey, series.viewKey, week1.editKey, week1.viewKey]) expect(page2).not.toContain(key);
    const carried = (await itemsOf(server.url, week2.id, week2.viewKey)).actionItems;
    expect(carried.map(({ assignees, due, done }) => ({ assignees, due, done }))).toEqual([
      { assignees: ['ana'], due: '2025-03-07', done: false },
      { assignees: ['bo'], due: null, done: false },
    ]);

    // In week 2, Ana ticks hers off in a real client: one character of the text changes.
    const ticker = await joinMeeting(server.wsUrl, week2.id, week2.editKey);
    try {
      const before = pageOf(ticker.doc);
      const item = parseMeeting({ agenda: agendaOf(ticker.doc).toString(), notes: notesOf(ticker.doc).toString() }).actionItems.find((i) => i.text.startsWith('Send the minutes'))!;
      const toggle = checkboxToggle(item);
      ticker.doc.transact(() => {
        notesOf(ticker.doc).delete(toggle.index, toggle.length);
        notesOf(ticker.doc).insert(toggle.index, toggle.insert);
      });
      const after = pageOf(ticker.doc);
      expect(after.length).toBe(before.length);
      expect([...after].filter((char, i) => char !== before[i])).toEqual(['x']);
      await itemsOnDisk(week2, (items) => items.actionItems.filter((i) => i.done).length === 1, 'the tick to be on disk');
    } finally {
      ticker.destroy();
    }

    // Week 3 carries only Bo's item, still linked to week 1 where it was written.
    const week3 = await startNext(server.url, series);
    expect(week3.date).toBe('2025-03-17');
    const page3 = await exportOf(server.url, week3.id, series.viewKey);
    expect(carriedOver(page3)).toEqual([`- [ ] Book the room for the offsite @bo (from [Team sync 2025-03-03](/m/${week1.id}))`]);

    // The series page: one open item in the rolling log, last seen in week 3; counts per meeting.
    const info = await getSeries(server.url, series.id, series.viewKey);
    expect(info.openItems).toHaveLength(1);
    expect(info.openItems[0]).toMatchObject({
      text: `Book the room for the offsite @bo (from [Team sync 2025-03-03](/m/${week1.id}))`,
      done: false,
      assignees: ['bo'],
      due: null,
      section: 'notes',
      meetingId: week3.id,
      meetingTitle: 'Team sync 2025-03-17',
    });
    expect(info.meetings.map(({ id, openItems, doneItems }) => [id, openItems, doneItems])).toEqual([
      [week3.id, 1, 0],
      [week2.id, 1, 1],
      [week1.id, 2, 1],
    ]);
  });
});

describe('what is carried', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ deps: { clock: new ManualClock(Date.parse('2025-03-03T09:00:00Z')) } });
  });
  afterAll(() => t.close());

  /** A series whose first meeting is the page `markdown` (by turning a meeting into a series). */
  const seriesFrom = async (markdown: string, title?: string) => {
    const meeting = await createMeetingOn(t.app, { markdown, ...(title ? { title } : {}) });
    const answer = await call<CreatedSeries>(t.app, 'POST', `/api/meetings/${meeting.id}/series`, { key: meeting.editKey, body: {} });
    expect(answer.status).toBe(201);
    return { meeting, series: answer.body };
  };

  test('each open item once, in order, from either section, keeping its origin; done items and items ticked elsewhere in the meeting stay behind', async () => {
    const { meeting, series } = await seriesFrom(
      [
        '# Sync',
        '',
        '- [ ] Prepare the agenda @dee',
        '',
        '# Notes',
        '',
        '1. [ ] Numbered @eve',
        '   - [ ] Nested   item',
        '+ [X] Done with a capital X',
        '- [ ] Nested item',
        '- [ ] Ticked later',
        '- [x] Ticked later',
        '- [ ] Carried  before',
        '- [ ] Carried before (from [Kick-off](/m/origin12345))',
        '```',
        '- [ ] in a fence',
        '```',
        '- [ ] ',
        '',
      ].join('\n'),
    );
    const next = await startNext(t.app, series);
    expect(carriedOver(await exportOf(t.app, next.id, next.viewKey))).toEqual([
      `- [ ] Prepare the agenda @dee (from [Sync](/m/${meeting.id}))`,
      `- [ ] Numbered @eve (from [Sync](/m/${meeting.id}))`,
      `- [ ] Nested   item (from [Sync](/m/${meeting.id}))`,
      '- [ ] Carried  before (from [Kick-off](/m/origin12345))',
    ]);
  });

  test('a title that looks like Markdown cannot break the link, mention someone or hide the rest of the page', async () => {
    const title = 'Sync [draft] @team <!-- *x*';
    const { meeting, series } = await seriesFrom('# Notes\n\n- [ ] Check the build @ana\n- [ ] Second item\n', title);
    const next = await startNext(t.app, series);
    const lines = carriedOver(await exportOf(t.app, next.id, next.viewKey));
    expect(lines[0]).toBe(`- [ ] Check the build @ana (from [Sync \\[draft\\] \\@team \\<!-- \\*x\\*](/m/${meeting.id}))`);
    const items = (await itemsOf(t.app, next.id, next.viewKey)).actionItems;
    expect(items.map((item) => item.assignees)).toEqual([['ana'], []]);
    // Carried again from there, the suffix is recognised and kept, not doubled.
    const third = await startNext(t.app, series);
    expect(carriedOver(await exportOf(t.app, third.id, third.viewKey))).toEqual(lines);
  });

  test('nothing open: no Carried over section; a deleted previous meeting: carried from the one before', async () => {
    const { series: calm } = await seriesFrom('# Notes\n\n- [x] All done\n');
    const quiet = await startNext(t.app, calm);
    expect(await exportOf(t.app, quiet.id, quiet.viewKey)).not.toContain('Carried over');

    const { series, meeting: source } = await seriesFrom('# Notes\n\n- [ ] Left open @fay\n', 'Planning');
    const deleted = await startNext(t.app, series);
    expect((await call(t.app, 'DELETE', `/api/meetings/${deleted.id}`, { key: deleted.editKey })).status).toBe(204);
    const after = await startNext(t.app, series);
    expect(carriedOver(await exportOf(t.app, after.id, after.viewKey))).toEqual([`- [ ] Left open @fay (from [Planning](/m/${source.id}))`]);
  });
});
