/**
 * A recurring meeting run for three weeks through the API and a stock y-websocket client, where
 * nobody ever copies an open action item by hand: each next meeting carries what is still open,
 * ticked items stay behind, and the series' rolling log follows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedSeries, CreatedSeriesMeeting } from '../../shared/api-types.js';
import type * as Y from 'yjs';
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

describe('the rolling log and carry-over agree', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  /** Edits a meeting's notes through a stock client and waits until the items route shows the result. */
  const editNotes = async (meetingId: string, key: string, edit: (notes: ReturnType<typeof notesOf>, doc: Y.Doc) => void, check: (texts: string[]) => boolean) => {
    const client = await joinMeeting(server.wsUrl, meetingId, key);
    try {
      client.doc.transact(() => edit(notesOf(client.doc), client.doc));
      await waitFor(async () => check((await itemsOf(server.url, meetingId, key)).actionItems.map((item) => `${item.done ? 'x' : ' '} ${item.text}`)), 'the edit to be on disk');
    } finally {
      client.destroy();
    }
  };

  test('ticked in any meeting is done in both; a carried line deleted stays open in both until ticked; an item added late to an earlier meeting is carried', async () => {
    const week1 = await createMeetingOn(server.url, { markdown: '# Sync\n\n# Notes\n\n- [ ] Renew the certificate @ops\n- [ ] Obsolete idea @ana\n' });
    const series = (await call<CreatedSeries>(server.url, 'POST', `/api/meetings/${week1.id}/series`, { key: week1.editKey, body: {} })).body;
    const week2 = await startNext(server.url, series);
    const from1 = `(from [Sync](/m/${week1.id}))`;
    expect(carriedOver(await exportOf(server.url, week2.id, week2.viewKey))).toEqual([`- [ ] Renew the certificate @ops ${from1}`, `- [ ] Obsolete idea @ana ${from1}`]);

    // After week 2 started, Ops ticks its item on the week 1 page, where it was written, and someone
    // adds an item there late.
    await editNotes(
      week1.id,
      series.editKey,
      (notes, doc) => {
        const item = parseMeeting({ agenda: agendaOf(doc).toString(), notes: notes.toString() }).actionItems[0]!;
        const toggle = checkboxToggle(item);
        notes.delete(toggle.index, toggle.length);
        notes.insert(toggle.index, toggle.insert);
        notes.insert(notes.length, '- [ ] Late addition @bo\n');
      },
      (texts) => texts.includes('x Renew the certificate @ops') && texts.includes('  Late addition @bo'),
    );
    // In week 2, Ana deletes her carried line instead of ticking it.
    await editNotes(
      week2.id,
      series.editKey,
      (notes) => {
        const text = notes.toString();
        const start = text.indexOf('- [ ] Obsolete idea');
        notes.delete(start, text.indexOf('\n', start) + 1 - start);
      },
      (texts) => texts.length === 1,
    );

    const log = (await getSeries(server.url, series.id, series.viewKey)).openItems;
    expect(log.map((item) => [item.text, item.meetingId])).toEqual([
      ['Obsolete idea @ana', week1.id],
      ['Late addition @bo', week1.id],
    ]);
    // The next meeting carries exactly what the log lists.
    const week3 = await startNext(server.url, series);
    expect(carriedOver(await exportOf(server.url, week3.id, week3.viewKey))).toEqual([`- [ ] Obsolete idea @ana ${from1}`, `- [ ] Late addition @bo ${from1}`]);
    expect((await getSeries(server.url, series.id, series.viewKey)).openItems.map((item) => [item.text, item.meetingId])).toEqual([
      [`Obsolete idea @ana ${from1}`, week3.id],
      [`Late addition @bo ${from1}`, week3.id],
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

  test('each open item once, in order, keeping its origin; done items, items ticked elsewhere in the meeting and tasks the template already has stay behind', async () => {
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
    // The agenda task is part of the template (the agenda as it was): the next meeting has it there.
    const page = await exportOf(t.app, next.id, next.viewKey);
    expect(page.split('\n').filter((line) => line.includes('Prepare the agenda'))).toEqual(['- [ ] Prepare the agenda @dee']);
    expect(carriedOver(page)).toEqual([
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

  test('a meeting title cannot give carried items a due date or an assignee (what the parser reads stays the item\'s own)', async () => {
    const title = 'Release due 2025-01-31 📅 2025-02-01 (due: 2025-02-02) @team';
    const { meeting, series } = await seriesFrom('# Notes\n\n- [ ] Write notes @ana\n- [ ] Own date due 2025-05-05\n', title);
    const next = await startNext(t.app, series);
    const lines = carriedOver(await exportOf(t.app, next.id, next.viewKey));
    // Backslash escapes are Markdown: the link still reads as the title.
    const link = `[Release due 2025\\-01\\-31 📅 2025\\-02\\-01 (due: 2025\\-02\\-02) \\@team](/m/${meeting.id})`;
    expect(lines).toEqual([`- [ ] Write notes @ana (from ${link})`, `- [ ] Own date due 2025-05-05 (from ${link})`]);
    const dated = (items: Awaited<ReturnType<typeof itemsOf>>['actionItems']) => items.map(({ assignees, due }) => ({ assignees, due }));
    const expected = [
      { assignees: ['ana'], due: null },
      { assignees: [], due: '2025-05-05' },
    ];
    expect(dated((await itemsOf(t.app, next.id, next.viewKey)).actionItems)).toEqual(expected);
    expect(dated((await getSeries(t.app, series.id, series.viewKey)).openItems)).toEqual(expected);
    // Carried again, the escaped link is recognised and kept as it is.
    const third = await startNext(t.app, series);
    expect(carriedOver(await exportOf(t.app, third.id, third.viewKey))).toEqual(lines);
  });

  test('a task the template already gives the next meeting is not carried again (same text, with or without a carried link)', async () => {
    const series = await createSeries(t.app, { title: 'Ops', template: '# {{title}}\n\n- [ ] Check the dashboards\n\n# Notes\n\n- [ ] Review  the alerts @ops\n' });
    await startNext(t.app, series);
    const second = await startNext(t.app, series);
    const page = await exportOf(t.app, second.id, second.viewKey);
    expect(page).not.toContain('Carried over');
    expect((await itemsOf(t.app, second.id, second.viewKey)).actionItems.map((item) => item.text)).toEqual(['Check the dashboards', 'Review  the alerts @ops']);

    const { meeting, series: turned } = await seriesFrom(
      '# Sync\n\n- [ ] Prepare   the agenda @dee\n\n# Notes\n\n- [ ] Prepare the agenda @dee (from [Kick-off](/m/origin12345))\n- [ ] Written in the notes @eve\n',
    );
    const next = await startNext(t.app, turned);
    const items = (await itemsOf(t.app, next.id, next.viewKey)).actionItems;
    expect(items.map((item) => [item.section, item.text])).toEqual([
      ['agenda', 'Prepare   the agenda @dee'],
      ['notes', `Written in the notes @eve (from [Sync](/m/${meeting.id}))`],
    ]);
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
