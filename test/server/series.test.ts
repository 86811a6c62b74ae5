/**
 * Series (GUIDE 1.7) through the API: creating one, starting meetings on the cadence, the
 * previous/next links, turning a meeting into a series, deleting, and every bad input answered
 * with a coded 4xx error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ManualClock } from '../helpers/manual-clock.js';
import { buildTestApp, type TestApp } from '../helpers/inject-app.js';
import type { CreatedMeeting, CreatedSeries } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { MemoryStore } from '../../server/storage/memory-store.js';
import { joinMeeting } from '../helpers/clients.js';
import { startTestServer, waitFor } from '../helpers/server.js';
import type { RecordWrite } from '../../server/storage/meeting-store.js';
import { call, carriedOver, createMeetingOn, createSeries, exportOf, getMeeting, getSeries, startNext } from './series-helpers.js';

let t: TestApp;
// 2025-03-03 is a Monday.
const clock = new ManualClock(Date.parse('2025-03-03T09:00:00Z'));
beforeAll(async () => {
  t = await buildTestApp({ deps: { clock } });
});
afterAll(() => t.close());

describe('creating a series and starting its meetings', () => {
  test('a weekly series: the first meeting on its first date, then every 7 days, titled by date, from the template', async () => {
    const series = await createSeries(t.app, { title: 'Weekly sync', firstDate: '2025-03-10' });
    expect(series).toMatchObject({ title: 'Weekly sync', cadence: 'weekly', createdAt: '2025-03-03T09:00:00.000Z' });
    expect(series.editKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(series.viewKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await getSeries(t.app, series.id, series.viewKey)).nextDate).toBe('2025-03-10');

    const first = await startNext(t.app, series);
    expect(first).toMatchObject({ title: 'Weekly sync 2025-03-10', date: '2025-03-10', seriesId: series.id });
    expect(Object.keys(first).toSorted()).toEqual(['date', 'editKey', 'id', 'seriesId', 'title', 'viewKey']);
    const page = await exportOf(t.app, first.id, first.viewKey);
    expect(page.startsWith('# Weekly sync 2025-03-10\n\n**Date:** 2025-03-10\n')).toBe(true);
    expect(page).toContain('# Notes');
    // Nothing open before the first meeting: no Carried over section.
    expect(page).not.toContain('Carried over');

    const second = await startNext(t.app, series);
    expect(second.date).toBe('2025-03-17');
    const info = await getSeries(t.app, series.id, series.editKey);
    expect(info).toMatchObject({ id: series.id, title: 'Weekly sync', cadence: 'weekly', nextDate: '2025-03-24', role: 'edit' });
    expect(info.meetings.map((m) => [m.id, m.date, m.title])).toEqual([
      [second.id, '2025-03-17', 'Weekly sync 2025-03-17'],
      [first.id, '2025-03-10', 'Weekly sync 2025-03-10'],
    ]);
    expect(info.meetings[0]).toMatchObject({ openItems: 0, doneItems: 0 });

    // An explicit date and title win; the cadence goes on from there.
    const moved = await startNext(t.app, series, { date: '2025-03-26', title: 'Moved sync' });
    expect(moved).toMatchObject({ date: '2025-03-26', title: 'Moved sync' });
    expect((await getSeries(t.app, series.id, series.viewKey)).nextDate).toBe('2025-04-02');
  });

  test('previous and next links join the meetings of a series; a standalone meeting has none', async () => {
    const series = await createSeries(t.app, { title: 'Linked' });
    const [a, b, c] = [await startNext(t.app, series), await startNext(t.app, series), await startNext(t.app, series)];
    expect((await getMeeting(t.app, a.id, a.viewKey)).series).toEqual({ id: series.id, title: 'Linked', previous: null, next: b.id });
    expect((await getMeeting(t.app, b.id, b.editKey)).series).toEqual({ id: series.id, title: 'Linked', previous: a.id, next: c.id });
    expect((await getMeeting(t.app, c.id, series.viewKey)).series).toEqual({ id: series.id, title: 'Linked', previous: b.id, next: null });
    // A meeting deleted on its own drops out of the chain.
    expect((await call(t.app, 'DELETE', `/api/meetings/${b.id}`, { key: b.editKey })).status).toBe(204);
    expect((await getMeeting(t.app, a.id, a.viewKey)).series?.next).toBe(c.id);
    expect((await getSeries(t.app, series.id, series.viewKey)).meetings.map((m) => m.id)).toEqual([c.id, a.id]);
    const standalone = await createMeetingOn(t.app, { title: 'Alone' });
    expect(Object.keys(await getMeeting(t.app, standalone.id, standalone.viewKey)).toSorted()).toEqual(['createdAt', 'id', 'role', 'title', 'updatedAt']);
  });

  test('meetings started at the same moment each get their own date, and none is lost from the series', async () => {
    const series = await createSeries(t.app, { title: 'Rush', firstDate: '2025-07-07' });
    const started = await Promise.all([startNext(t.app, series), startNext(t.app, series), startNext(t.app, series)]);
    expect(started.map((m) => m.date).toSorted()).toEqual(['2025-07-07', '2025-07-14', '2025-07-21']);
    const info = await getSeries(t.app, series.id, series.viewKey);
    expect(info.meetings.map((m) => m.id).toSorted()).toEqual(started.map((m) => m.id).toSorted());
    for (const meeting of started) expect((await getMeeting(t.app, meeting.id, series.viewKey)).role).toBe('view');
  });

  test('cadences: every two weeks, monthly without drifting after a short month, and none (no planned date)', async () => {
    const biweekly = await createSeries(t.app, { title: 'Biweekly', cadence: 'biweekly', firstDate: '2025-12-24' });
    expect((await startNext(t.app, biweekly)).date).toBe('2025-12-24');
    expect((await startNext(t.app, biweekly)).date).toBe('2026-01-07');

    const monthly = await createSeries(t.app, { title: 'Monthly', cadence: 'monthly', firstDate: '2024-01-31' });
    const dates: string[] = [];
    for (let i = 0; i < 4; i++) dates.push((await startNext(t.app, monthly)).date);
    expect(dates).toEqual(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']);

    const once = await createSeries(t.app, { title: 'Ad hoc', cadence: 'none' });
    expect((await getSeries(t.app, once.id, once.viewKey)).nextDate).toBe('2025-03-03');
    expect((await startNext(t.app, once)).date).toBe('2025-03-03');
    expect((await getSeries(t.app, once.id, once.viewKey)).nextDate).toBeNull();
    // Without a planned date, the next meeting is dated the day it starts.
    clock.advance(2 * 86_400_000);
    expect((await startNext(t.app, once)).date).toBe('2025-03-05');
  });

  test('a template as a Markdown page with {{title}} and {{date}}', async () => {
    const template = '# {{title}}\n\nOn {{date}}.\n\n## Agenda\n\n1. Demo\n\n# Notes\n\n## Demo\n\n';
    const series = await createSeries(t.app, { title: 'Demo day', template, firstDate: '2025-05-05', cadence: 'monthly' });
    const meeting = await startNext(t.app, series);
    expect(await exportOf(t.app, meeting.id, meeting.editKey)).toBe('# Demo day 2025-05-05\n\nOn 2025-05-05.\n\n## Agenda\n\n1. Demo\n\n# Notes\n\n## Demo\n\n');
    expect((await getSeries(t.app, series.id, series.viewKey)).template).toBe(template);
  });

  test('a standalone meeting becomes the first meeting of a series; its page is the template with the notes cleared', async () => {
    const today = new Date(clock.now()).toISOString().slice(0, 10);
    const markdown = [
      '# Team meeting',
      '',
      `**Date:** ${today}`,
      '',
      '## Agenda',
      '',
      '1. Status',
      '',
      '# Notes',
      '',
      '## Status',
      '',
      '- all good',
      '- [ ] Fix the CI @ana',
      '',
      '```',
      '# not a heading',
      '```',
      '',
      '## Action items',
      '',
      '- [x] Done already',
      '',
    ].join('\n');
    const meeting = await createMeetingOn(t.app, { markdown });
    const series = await call<Record<string, string>>(t.app, 'POST', `/api/meetings/${meeting.id}/series`, { key: meeting.editKey, body: { cadence: 'biweekly' } });
    expect(series.status).toBe(201);
    expect(series.body).toMatchObject({ title: 'Team meeting', cadence: 'biweekly' });
    expect(Object.keys(series.body).toSorted()).toEqual(['cadence', 'createdAt', 'editKey', 'id', 'title', 'viewKey']);
    const seriesId = series.body.id!;
    const created = { id: seriesId, editKey: series.body.editKey!, viewKey: series.body.viewKey!, title: 'Team meeting', cadence: 'biweekly' as const, createdAt: '' };
    const info = await getSeries(t.app, seriesId, created.viewKey);
    expect(info.template).toBe('# {{title}}\n\n**Date:** {{date}}\n\n## Agenda\n\n1. Status\n\n# Notes\n\n## Status\n\n## Action items\n\n');
    expect(info.meetings.map((m) => [m.id, m.date])).toEqual([[meeting.id, today]]);
    expect((await getMeeting(t.app, meeting.id, meeting.viewKey)).series).toEqual({ id: seriesId, title: 'Team meeting', previous: null, next: null });

    const next = await startNext(t.app, created);
    const inTwoWeeks = new Date(Date.parse(today) + 14 * 86_400_000).toISOString().slice(0, 10);
    expect(next.date).toBe(inTwoWeeks);
    const page = await exportOf(t.app, next.id, next.editKey);
    expect(page.startsWith(`# Team meeting ${inTwoWeeks}\n\n**Date:** ${inTwoWeeks}\n`)).toBe(true);
    expect(carriedOver(page)).toEqual([`- [ ] Fix the CI @ana (from [Team meeting](/m/${meeting.id}))`]);
    // The first meeting is left as it was.
    expect(await exportOf(t.app, meeting.id, meeting.viewKey)).toBe(markdown);

    // A meeting of a series cannot start another one; a view key cannot turn a meeting into a series.
    const again = await call(t.app, 'POST', `/api/meetings/${meeting.id}/series`, { key: meeting.editKey, body: {} });
    expect([again.status, again.body.error]).toEqual([409, 'meeting_in_series']);
    const other = await createMeetingOn(t.app, { title: 'Other' });
    const viewer = await call(t.app, 'POST', `/api/meetings/${other.id}/series`, { key: other.viewKey });
    expect([viewer.status, viewer.body.error]).toEqual([403, 'edit_key_required']);
    const noBody = await call(t.app, 'POST', `/api/meetings/${other.id}/series`, { key: other.editKey });
    expect([noBody.status, noBody.body.cadence, noBody.body.title]).toEqual([201, 'weekly', 'Other']);
  });
});

describe('deleting a series', () => {
  test('deletes the series and every meeting of it; its keys then get 410 for the series and open nothing', async () => {
    const series = await createSeries(t.app, { title: 'Short-lived' });
    const [a, b] = [await startNext(t.app, series), await startNext(t.app, series)];
    const viewer = await call(t.app, 'DELETE', `/api/series/${series.id}`, { key: series.viewKey });
    expect([viewer.status, viewer.body.error]).toEqual([403, 'edit_key_required']);
    const byMeetingKey = await call(t.app, 'DELETE', `/api/series/${series.id}`, { key: a.editKey });
    expect([byMeetingKey.status, byMeetingKey.body.error]).toEqual([401, 'wrong_key']);

    expect((await call(t.app, 'DELETE', `/api/series/${series.id}`, { key: series.editKey })).status).toBe(204);
    expect((await call(t.app, 'GET', `/api/series/${series.id}`, { key: series.viewKey })).body.error).toBe('series_deleted');
    expect((await call(t.app, 'GET', `/api/series/${series.id}`, { key: 'not-a-key' })).body.error).toBe('series_not_found');
    for (const meeting of [a, b]) {
      for (const key of [meeting.editKey, series.editKey, series.viewKey]) {
        const answer = await call(t.app, 'GET', `/api/meetings/${meeting.id}`, { key });
        expect([answer.status, answer.body.error]).toEqual([410, 'meeting_deleted']);
      }
      // To anyone else the meeting is unknown.
      expect((await call(t.app, 'GET', `/api/meetings/${meeting.id}`, { key: 'x'.repeat(43) })).status).toBe(404);
    }
    expect((await call(t.app, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey })).status).toBe(410);
    expect((await call(t.app, 'DELETE', `/api/series/${series.id}`, { key: series.editKey })).status).toBe(410);
  });
});

describe('a deleted meeting of a series', () => {
  test('is deleted (410) to the series keys as to its own; unknown (404) to other keys', async () => {
    const series = await createSeries(t.app, { title: 'Pruned' });
    const [kept, dropped] = [await startNext(t.app, series), await startNext(t.app, series)];
    const other = await createSeries(t.app, { title: 'Unrelated' });
    expect((await call(t.app, 'DELETE', `/api/meetings/${dropped.id}`, { key: series.editKey })).status).toBe(204);
    for (const key of [series.editKey, series.viewKey, dropped.viewKey]) {
      const answer = await call(t.app, 'GET', `/api/meetings/${dropped.id}/items`, { key });
      expect([answer.status, answer.body.error]).toEqual([410, 'meeting_deleted']);
    }
    for (const key of [other.editKey, kept.editKey]) expect((await call(t.app, 'GET', `/api/meetings/${dropped.id}`, { key })).status).toBe(404);
    expect((await getMeeting(t.app, kept.id, series.viewKey)).role).toBe('view');
  });

  test('turning a meeting into a series while it is deleted: 410, and no series or link is left pointing at it', async () => {
    // The interleaving a busy server can produce: the deletion settles after the meeting was read
    // and before the new series is written.
    class DeletionFirst extends MemoryStore {
      beforeSeries: (() => Promise<void>) | null = null;
      override async writeRecords(writes: readonly RecordWrite[]): Promise<void> {
        const hook = this.beforeSeries;
        if (hook && writes.some((write) => write.collection === 'series')) {
          this.beforeSeries = null;
          await hook();
        }
        return super.writeRecords(writes);
      }
    }
    const store = new DeletionFirst();
    const racing = await buildTestApp({ deps: { store } });
    try {
      const meeting = await createMeetingOn(racing.app, { markdown: '# Sync\n\n# Notes\n\n- [ ] Open item\n' });
      store.beforeSeries = async () => racing.app.meetpad.meetings.delete((await store.getMeeting(meeting.id))!);
      const answer = await call(racing.app, 'POST', `/api/meetings/${meeting.id}/series`, { key: meeting.editKey, body: {} });
      expect(store.beforeSeries).toBeNull();
      expect([answer.status, answer.body.error]).toEqual([410, 'meeting_deleted']);
      expect(await store.getMeeting(meeting.id)).toBeUndefined();
      expect(await store.collection('series-links').get(meeting.id)).toBeUndefined();
      const series = await store.collection<{ meetings: Array<{ id: string }> }>('series').list();
      expect(series.filter(({ value }) => value.meetings.some((ref) => ref.id === meeting.id))).toEqual([]);
    } finally {
      await racing.close();
    }
  });
});

describe('the series page reads each meeting once', () => {
  test('GET /api/series/:id reads a meeting from storage again only after it changed, and never shows a stale log', async () => {
    class CountingStore extends MemoryStore {
      readonly reads = new Map<string, number>();
      override readDocument(id: string) {
        this.reads.set(id, (this.reads.get(id) ?? 0) + 1);
        return super.readDocument(id);
      }
    }
    const store = new CountingStore();
    const server = await startTestServer({ deps: { store }, config: { roomIdleMs: 50 } });
    try {
      const series = await createSeries(server.url, { title: 'Cached', template: '# {{title}}\n\n# Notes\n\n- [ ] From the template\n' });
      const meetings = [await startNext(server.url, series), await startNext(server.url, series), await startNext(server.url, series)];
      const readsOf = () => meetings.map((meeting) => store.reads.get(meeting.id) ?? 0);
      const logOf = async () => (await getSeries(server.url, series.id, series.viewKey)).openItems.map((item) => [item.text, item.meetingId]);
      await logOf();
      const once = readsOf();
      expect(await logOf()).toEqual([['From the template', meetings[2]!.id]]);
      expect(readsOf()).toEqual(once);

      // An edit in the middle meeting: seen at once while its room is loaded, and after it unloads.
      const editor = await joinMeeting(server.wsUrl, meetings[1]!.id, series.editKey);
      try {
        notesOf(editor.doc).insert(notesOf(editor.doc).length, '- [ ] Typed in week 2 @kim\n');
        await waitFor(async () => (await logOf()).length === 2, 'the log to show the typed item');
      } finally {
        editor.destroy();
      }
      await waitFor(() => server.app.meetpad.registry.stateOf(meetings[1]!.id) === 'unloaded', 'the room to unload');
      const expected = [
        ['From the template', meetings[2]!.id],
        ['Typed in week 2 @kim', meetings[1]!.id],
      ];
      expect(await logOf()).toEqual(expected);
      const afterEdit = readsOf();
      expect(await logOf()).toEqual(expected);
      expect(readsOf()).toEqual(afterEdit);
      expect([afterEdit[0], afterEdit[2]]).toEqual([once[0], once[2]]);
    } finally {
      await server.close();
    }
  });
});

describe('dates at the ends of the range', () => {
  test('a series never reaches a date after 9000-12-31: the start that would is refused (400 bad_date), the series stays readable', async () => {
    for (const [cadence, firstDate] of [
      ['weekly', '9000-12-28'],
      ['monthly', '9000-12-15'],
    ] as const) {
      const series = await createSeries(t.app, { title: `Far ${cadence}`, cadence, firstDate });
      expect((await startNext(t.app, series)).date).toBe(firstDate);
      const refused = await call(t.app, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey, body: {} });
      expect([refused.status, refused.body.error], cadence).toEqual([400, 'bad_date']);
      expect((await getSeries(t.app, series.id, series.viewKey)).nextDate).toBeNull();
      expect((await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics`, { key: series.viewKey })).status).toBe(200);
      // A date given in the range still starts a meeting.
      expect((await startNext(t.app, series, { date: '9000-12-31' })).date).toBe('9000-12-31');
      expect((await getSeries(t.app, series.id, series.viewKey)).meetings).toHaveLength(2);
    }
  });

  test('dates stored by an older version that no longer pass are never a 500: reads work, starting the next is a 400', async () => {
    const series = await createSeries(t.app, { title: 'Old data', cadence: 'monthly' });
    const [a, b] = [await startNext(t.app, series), await startNext(t.app, series)];
    const records = t.app.meetpad.store.collection<Record<string, unknown>>('series');
    const stored = (await records.get(series.id))!;
    await records.put(series.id, { ...stored, firstDate: 'garbage', meetings: [{ id: a.id, date: '9999-12-31' }, { id: b.id, date: '+010000-01' }] });
    const info = await getSeries(t.app, series.id, series.viewKey);
    expect([info.nextDate, info.meetings.map((m) => m.date)]).toEqual([null, ['+010000-01', '9999-12-31']]);
    const calendar = await call(t.app, 'GET', `/api/series/${series.id}/calendar.ics`, { key: series.viewKey });
    expect(calendar.status).toBe(200);
    expect(calendar.text).not.toContain('DTSTART');
    expect((await getMeeting(t.app, b.id, series.viewKey)).series?.previous).toBe(a.id);
    const refused = await call(t.app, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey, body: {} });
    expect([refused.status, refused.body.error]).toEqual([400, 'bad_date']);
    expect((await startNext(t.app, series, { date: '2025-04-01' })).date).toBe('2025-04-01');
    expect((await getSeries(t.app, series.id, series.viewKey)).nextDate).toBe('2025-05-01');
  });
});

describe('bad input gets coded 4xx errors', () => {
  const post = (url: string, body: unknown, key?: string) => call(t.app, 'POST', url, { body, ...(key ? { key } : {}) });

  test.each([
    ['no title', {}, 'bad_request'],
    ['an empty title', { title: '' }, 'bad_request'],
    ['an unknown cadence', { title: 'x', cadence: 'daily' }, 'bad_request'],
    ['an extra field', { title: 'x', owner: 'me' }, 'bad_request'],
    ['a template object', { title: 'x', template: { agenda: '', notes: '' } }, 'bad_request'],
    ['a date in another form', { title: 'x', firstDate: '03/10/2025' }, 'bad_date'],
    ['an impossible date', { title: 'x', firstDate: '2025-02-30' }, 'bad_date'],
    ['month 13', { title: 'x', firstDate: '2025-13-01' }, 'bad_date'],
    ['a date with a time', { title: 'x', firstDate: '2025-03-10T10:00:00Z' }, 'bad_date'],
    ['a year before 1970', { title: 'x', firstDate: '1969-12-31' }, 'bad_date'],
    ['a year after 9000', { title: 'x', firstDate: '9001-01-01' }, 'bad_date'],
    ['the year 9999', { title: 'x', firstDate: '9999-12-31' }, 'bad_date'],
    ['a lone surrogate in the template', { title: 'x', template: '\ud800' }, 'bad_markdown'],
  ])('POST /api/series with %s', async (_name, body, error) => {
    const answer = await post('/api/series', body);
    expect([answer.status, answer.body.error]).toEqual([400, error]);
    expect(typeof answer.body.message).toBe('string');
  });

  test('next meeting and turning a meeting into a series: bad dates, extra fields, unknown cadences', async () => {
    const series = await createSeries(t.app, { title: 'Strict' });
    for (const [body, error] of [
      [{ date: 'tomorrow' }, 'bad_date'],
      [{ date: '2025-04-31' }, 'bad_date'],
      [{ date: '9001-01-01' }, 'bad_date'],
      [{ date: '1000-01-01' }, 'bad_date'],
      [{ date: '2025-04-01', agenda: 'x' }, 'bad_request'],
      [{ title: { text: 'x' } }, 'bad_request'],
    ] as const) {
      const answer = await post(`/api/series/${series.id}/meetings`, body, series.editKey);
      expect([answer.status, answer.body.error], JSON.stringify(body)).toEqual([400, error]);
    }
    const meeting = await createMeetingOn(t.app, { title: 'Plain' });
    for (const body of [{ cadence: 'fortnightly' }, { title: 'x', firstDate: '2025-01-01' }]) {
      const answer = await post(`/api/meetings/${meeting.id}/series`, body, meeting.editKey);
      expect([answer.status, answer.body.error]).toEqual([400, 'bad_request']);
    }
    expect((await getSeries(t.app, series.id, series.viewKey)).meetings).toEqual([]);
  });

  test('ids and keys: checked before the body, with the same codes as meetings', async () => {
    const series = await createSeries(t.app, { title: 'Keys' });
    const cases: Array<[string, 'GET' | 'POST' | 'DELETE', string, string | undefined, number, string]> = [
      ['bad id', 'GET', '/api/series/bad!id', series.viewKey, 400, 'bad_series_id'],
      ['short id', 'GET', '/api/series/short', series.viewKey, 400, 'bad_series_id'],
      ['no key', 'GET', `/api/series/${series.id}`, undefined, 401, 'key_required'],
      ['wrong key', 'GET', `/api/series/${series.id}`, 'x'.repeat(43), 401, 'wrong_key'],
      ['unknown series', 'GET', '/api/series/unknownSeries1234', series.viewKey, 404, 'series_not_found'],
      ['no key, bad body', 'POST', `/api/series/${series.id}/meetings`, undefined, 401, 'key_required'],
      ['view key starting a meeting', 'POST', `/api/series/${series.id}/meetings`, series.viewKey, 403, 'edit_key_required'],
      ['calendar without a key', 'GET', `/api/series/${series.id}/calendar.ics`, undefined, 401, 'key_required'],
    ];
    for (const [name, method, url, key, status, error] of cases) {
      const answer = await call(t.app, method, url, { ...(key ? { key } : {}), ...(method === 'POST' ? { body: { nonsense: true } } : {}) });
      expect([answer.status, answer.body.error], name).toEqual([status, error]);
    }
  });

  test('templates are limited like imports, and so is the page they grow into (413)', async () => {
    const small = await buildTestApp({ config: { maxImportBytes: 1024 } });
    try {
      const tooBig = await call(small.app, 'POST', '/api/series', { body: { title: 'x', template: 'a'.repeat(1025) } });
      expect([tooBig.status, tooBig.body.error]).toEqual([413, 'too_large']);
      // 100 placeholders fit; filled with a 200-character title they would not.
      const series = await createSeries(small.app, { title: 'T'.repeat(200), template: '{{title}}'.repeat(100) });
      const grown = await call(small.app, 'POST', `/api/series/${series.id}/meetings`, { key: series.editKey });
      expect([grown.status, grown.body.error]).toEqual([413, 'too_large']);
      expect((await getSeries(small.app, series.id, series.viewKey)).meetings).toEqual([]);
    } finally {
      await small.close();
    }
  });

  test('a creation token, when configured, is needed for a series too', async () => {
    const gated = await buildTestApp({ config: { createToken: 'let-me-create' } });
    try {
      const refused = await call(gated.app, 'POST', '/api/series', { body: { title: 'x' } });
      expect([refused.status, refused.body.error]).toEqual([401, 'token_required']);
      const allowed = await call(gated.app, 'POST', '/api/series', { body: { title: 'x' }, key: 'let-me-create' });
      expect(allowed.status).toBe(201);

      // Turning a meeting into a series creates a series: the meeting's edit key alone is not enough.
      const meeting = (await call<CreatedMeeting>(gated.app, 'POST', '/api/meetings', { body: {}, key: 'let-me-create' })).body;
      const editKeyOnly = await call(gated.app, 'POST', `/api/meetings/${meeting.id}/series`, { body: {}, key: meeting.editKey });
      expect([editKeyOnly.status, editKeyOnly.body.error]).toEqual([401, 'token_required']);
      const tokenOnly = await call(gated.app, 'POST', `/api/meetings/${meeting.id}/series`, { body: {}, key: 'let-me-create' });
      expect([tokenOnly.status, tokenOnly.body.error]).toEqual([401, 'key_required']);
      const viewKey = await call(gated.app, 'POST', `/api/meetings/${meeting.id}/series?key=${meeting.viewKey}`, { body: {}, key: 'let-me-create' });
      expect([viewKey.status, viewKey.body.error]).toEqual([403, 'edit_key_required']);
      const both = await call<CreatedSeries>(gated.app, 'POST', `/api/meetings/${meeting.id}/series?key=${meeting.editKey}`, { body: {}, key: 'let-me-create' });
      expect(both.status).toBe(201);
      // The series was created under the token: its edit key starts its meetings on its own.
      expect((await startNext(gated.app, both.body)).seriesId).toBe(both.body.id);
      const created = allowed.body as unknown as CreatedSeries;
      expect((await startNext(gated.app, created)).seriesId).toBe(created.id);
    } finally {
      await gated.close();
    }
  });
});
