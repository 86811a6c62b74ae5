/**
 * Who a series' keys let in (GUIDE 1.7): its edit and view keys open every meeting of the series
 * with that role, over HTTP and on /collab, and nothing else; a meeting's own keys never open the
 * series, nor the other meetings of it.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CreatedMeeting, CreatedSeries, CreatedSeriesMeeting } from '../../shared/api-types.js';
import { notesOf } from '../../shared/doc-schema.js';
import { CLOSE } from '../../shared/protocol.js';
import { joinMeeting, pageOf, upgradeStatus } from '../helpers/clients.js';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { call, createMeetingOn, createSeries, exportOf, startNext } from './series-helpers.js';

let server: TestServer;
let series: CreatedSeries;
let other: CreatedSeries;
let first: CreatedSeriesMeeting;
let second: CreatedSeriesMeeting;
let otherMeeting: CreatedSeriesMeeting;
let standalone: CreatedMeeting;
beforeAll(async () => {
  server = await startTestServer();
  series = await createSeries(server.url, { title: 'Access series' });
  first = await startNext(server.url, series);
  second = await startNext(server.url, series);
  other = await createSeries(server.url, { title: 'Another series' });
  otherMeeting = await startNext(server.url, other);
  standalone = await createMeetingOn(server.url, { title: 'Standalone' });
});
afterAll(() => server.close());

/** The status (and role, when opened) of `GET /api/meetings/:id` with a key. */
const meetingWith = async (id: string, key: string): Promise<string> => {
  const answer = await call(server.url, 'GET', `/api/meetings/${id}`, { key });
  return answer.status === 200 ? String(answer.body.role) : String(answer.status);
};
const seriesWith = async (id: string, key: string): Promise<string> => {
  const answer = await call(server.url, 'GET', `/api/series/${id}`, { key });
  return answer.status === 200 ? String(answer.body.role) : String(answer.status);
};

describe('the access matrix', () => {
  test('series keys open every meeting of their series with their role, and no other meeting', async () => {
    const matrix: Record<string, string[]> = {};
    const keys = { seriesEdit: series.editKey, seriesView: series.viewKey, otherSeriesEdit: other.editKey, firstEdit: first.editKey, firstView: first.viewKey };
    const meetings = { first: first.id, second: second.id, otherMeeting: otherMeeting.id, standalone: standalone.id };
    for (const [keyName, key] of Object.entries(keys)) {
      matrix[keyName] = [];
      for (const id of Object.values(meetings)) matrix[keyName].push(await meetingWith(id, key));
    }
    //                           first    second   otherMeeting standalone
    expect(matrix).toEqual({
      seriesEdit: ['edit', 'edit', '401', '401'],
      seriesView: ['view', 'view', '401', '401'],
      otherSeriesEdit: ['401', '401', 'edit', '401'],
      firstEdit: ['edit', '401', '401', '401'],
      firstView: ['view', '401', '401', '401'],
    });
  });

  test("a meeting's own keys never open its series: not to read it, start a meeting, read its calendar or delete it", async () => {
    for (const key of [first.editKey, first.viewKey, second.editKey, standalone.editKey, other.editKey]) {
      expect(await seriesWith(series.id, key)).toBe('401');
      expect((await call(server.url, 'GET', `/api/series/${series.id}/calendar.ics`, { key })).status).toBe(401);
      expect((await call(server.url, 'POST', `/api/series/${series.id}/meetings`, { key, body: {} })).status).toBe(401);
      expect((await call(server.url, 'DELETE', `/api/series/${series.id}`, { key })).status).toBe(401);
    }
    expect(await seriesWith(series.id, series.editKey)).toBe('edit');
    expect(await seriesWith(series.id, series.viewKey)).toBe('view');
  });

  test('the series view key reads a meeting (export, items) but cannot delete it or start the next one', async () => {
    expect(await exportOf(server.url, first.id, series.viewKey)).toContain('# Access series');
    expect((await call(server.url, 'GET', `/api/meetings/${first.id}/items`, { key: series.viewKey })).status).toBe(200);
    const deletion = await call(server.url, 'DELETE', `/api/meetings/${first.id}`, { key: series.viewKey });
    expect([deletion.status, deletion.body.error]).toEqual([403, 'edit_key_required']);
    expect((await call(server.url, 'POST', `/api/series/${series.id}/meetings`, { key: series.viewKey, body: {} })).status).toBe(403);
  });

  test('on /collab the series keys open the meetings of the series with their role, and nothing else', async () => {
    expect(await upgradeStatus(server.wsUrl, `/collab/${first.id}?key=${series.editKey}`)).toBe(101);
    expect(await upgradeStatus(server.wsUrl, `/collab/${second.id}?key=${series.viewKey}`)).toBe(101);
    expect(await upgradeStatus(server.wsUrl, `/collab/${otherMeeting.id}?key=${series.editKey}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${standalone.id}?key=${series.viewKey}`)).toBe(401);
    expect(await upgradeStatus(server.wsUrl, `/collab/${second.id}?key=${first.editKey}`)).toBe(401);

    const editor = await joinMeeting(server.wsUrl, first.id, series.editKey);
    const viewer = await joinMeeting(server.wsUrl, first.id, series.viewKey);
    try {
      notesOf(editor.doc).insert(notesOf(editor.doc).length, '- [ ] written with the series edit key\n');
      await waitFor(() => pageOf(viewer.doc) === pageOf(editor.doc), 'the viewer to see the edit');
      const closed = new Promise<number>((resolve) => viewer.provider.ws?.addEventListener('close', (event) => resolve(event.code)));
      notesOf(viewer.doc).insert(0, 'a viewer tries to write\n');
      expect(await closed).toBe(CLOSE.readOnly);
      await waitFor(async () => (await exportOf(server.url, first.id, first.viewKey)).includes('written with the series edit key'), 'the edit to be on disk');
      expect(await exportOf(server.url, first.id, first.viewKey)).not.toContain('a viewer tries to write');
    } finally {
      viewer.destroy();
      editor.destroy();
    }
  });

  test('deleting a series closes the open sockets of its meetings with 4404; its keys then open nothing (410: deleted)', async () => {
    const doomed = await createSeries(server.url, { title: 'Doomed' });
    const meeting = await startNext(server.url, doomed);
    const attendee = await joinMeeting(server.wsUrl, meeting.id, doomed.viewKey);
    try {
      const closed = new Promise<number>((resolve) => attendee.provider.ws?.addEventListener('close', (event) => resolve(event.code)));
      expect((await call(server.url, 'DELETE', `/api/series/${doomed.id}`, { key: doomed.editKey })).status).toBe(204);
      expect(await closed).toBe(CLOSE.deleted);
    } finally {
      attendee.destroy();
    }
    // Every key that opened the meeting is told it was deleted; any other key learns nothing.
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${doomed.editKey}`)).toBe(410);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${doomed.viewKey}`)).toBe(410);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${meeting.editKey}`)).toBe(410);
    expect(await upgradeStatus(server.wsUrl, `/collab/${meeting.id}?key=${other.editKey}`)).toBe(404);
  });
});
