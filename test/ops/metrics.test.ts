/**
 * An admin watching /metrics sees the server's activity: connections by role, meetings in memory,
 * frames and bytes, closes, refusals and storage writes move as attendees come, type and leave;
 * every app has its own registry, so two servers in one process do not collide or mix their counts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { joinMeeting, rawSocket, syncFrame, upgradeStatus, type Attendee } from '../helpers/clients.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { notesOf } from '../../shared/doc-schema.js';
import { MESSAGE, SYNC, encodeSaved, frameKind } from '../../shared/protocol.js';
import { sample, scrape } from './ops-helpers.js';
import { statusOf } from '../helpers/responses.js';

const total = (text: string, name: string): number =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const server = async (config = {}): Promise<TestServer> => {
  const started = await startTestServer({ config });
  cleanups.push(() => started.close());
  return started;
};
const attendee = async (wsUrl: string, id: string, key: string): Promise<Attendee> => {
  const joined = await joinMeeting(wsUrl, id, key);
  cleanups.push(() => joined.destroy());
  return joined;
};

describe('/metrics', () => {
  it('exposes the process and meetpad series, and they move as attendees connect, type and leave', async () => {
    const a = await server();
    const b = await server();

    const initial = await scrape(a.url);
    for (const series of [
      'meetpad_connections',
      'meetpad_meetings_loaded',
      'meetpad_bytes_in_total',
      'meetpad_bytes_out_total',
      'meetpad_persist_seconds',
      'meetpad_write_batch_size',
      'meetpad_persist_failures_total',
      'meetpad_store_size_bytes',
      'meetpad_frames_in_total',
      'meetpad_frames_out_total',
      'meetpad_connection_closes_total',
      'meetpad_rejected_frames_total',
      'meetpad_upgrade_refusals_total',
      'nodejs_eventloop_lag_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(initial, series).toContain(`# TYPE ${series} `);
    }
    expect(sample(initial, 'meetpad_connections', { role: 'edit' })).toBe(0);
    expect(sample(initial, 'meetpad_store_size_bytes')).toBeGreaterThan(0);

    const meeting = await createMeeting(a.url, { title: 'Metrics meeting' });
    const editor = await attendee(a.wsUrl, meeting.id, meeting.editKey);
    const viewer = await attendee(a.wsUrl, meeting.id, meeting.viewKey);
    await waitFor(async () => {
      const text = await scrape(a.url);
      return sample(text, 'meetpad_connections', { role: 'edit' }) === 1 && sample(text, 'meetpad_connections', { role: 'view' }) === 1 && sample(text, 'meetpad_meetings_loaded') === 1;
    }, 'one editor, one viewer and one loaded meeting');

    const before = await scrape(a.url);
    notesOf(editor.doc).insert(0, 'typed by the editor\n');
    await waitFor(() => notesOf(viewer.doc).toString().startsWith('typed by the editor'), 'the viewer to see the edit');
    const after = await waitFor(async () => {
      const text = await scrape(a.url);
      return (sample(text, 'meetpad_frames_in_total', { type: 'update' }) ?? 0) > (sample(before, 'meetpad_frames_in_total', { type: 'update' }) ?? 0) ? text : '';
    }, 'an update frame to be counted');
    expect(sample(after, 'meetpad_bytes_in_total')).toBeGreaterThan(sample(before, 'meetpad_bytes_in_total')!);
    expect(sample(after, 'meetpad_bytes_out_total')).toBeGreaterThan(sample(before, 'meetpad_bytes_out_total')!);
    expect(total(after, 'meetpad_frames_out_total')).toBeGreaterThan(total(before, 'meetpad_frames_out_total'));
    expect(sample(after, 'meetpad_persist_seconds_count')).toBeGreaterThan(sample(before, 'meetpad_persist_seconds_count')!);
    expect(sample(after, 'meetpad_write_batch_size_count')).toBeGreaterThan(0);

    // Refused before the upgrade, and refused after it.
    expect(await upgradeStatus(a.wsUrl, `/collab/${meeting.id}?key=not-the-key`)).toBe(401);
    const raw = await rawSocket(a.wsUrl, meeting.id, meeting.editKey);
    raw.ws.send(new Uint8Array([99]));
    expect(await raw.closed).toBe(1008);
    const refused = await waitFor(async () => {
      const text = await scrape(a.url);
      return total(text, 'meetpad_rejected_frames_total') > 0 && sample(text, 'meetpad_connection_closes_total', { code: '1008' }) === 1 ? text : '';
    }, 'the bad frame to be counted');
    expect(sample(refused, 'meetpad_upgrade_refusals_total', { status: '401' })).toBe(1);
    expect(sample(refused, 'meetpad_rejected_frames_total', { reason: 'unknown message type N' })).toBe(1);

    editor.destroy();
    viewer.destroy();
    await waitFor(async () => {
      const text = await scrape(a.url);
      return (
        sample(text, 'meetpad_connections', { role: 'edit' }) === 0 &&
        sample(text, 'meetpad_connections', { role: 'view' }) === 0 &&
        (sample(text, 'meetpad_connection_closes_total', { code: '1000' }) ?? 0) >= 2 &&
        sample(text, 'meetpad_meetings_loaded') === 0
      );
    }, 'everyone gone and the meeting unloaded');

    // The second app in this process saw none of it.
    const other = await scrape(b.url);
    expect(sample(other, 'meetpad_connections', { role: 'edit' })).toBe(0);
    expect(total(other, 'meetpad_frames_in_total')).toBe(0);
    expect(total(other, 'meetpad_upgrade_refusals_total')).toBe(0);
    expect(sample(other, 'meetpad_persist_seconds_count')).toBe(0);
  });

  it('asks for the metrics token when one is configured', async () => {
    const a = await server({ metricsToken: 'scrape-secret' });
    expect(await statusOf(fetch(`${a.url}/metrics`))).toBe(401);
    expect(await statusOf(fetch(`${a.url}/metrics`, { headers: { authorization: 'Bearer wrong' } }))).toBe(401);
    expect(sample(await scrape(a.url, 'scrape-secret'), 'meetpad_meetings_loaded')).toBe(0);
  });

  it('names sent frames by their y-websocket message type', () => {
    expect(frameKind(syncFrame(SYNC.step1, new Uint8Array([0])))).toBe('sync_step1');
    expect(frameKind(syncFrame(SYNC.step2, new Uint8Array([0, 0])))).toBe('sync_step2');
    expect(frameKind(syncFrame(SYNC.update, new Uint8Array([0, 0])))).toBe('update');
    expect(frameKind(new Uint8Array([MESSAGE.awareness, 0]))).toBe('awareness');
    expect(frameKind(new Uint8Array([MESSAGE.queryAwareness]))).toBe('query_awareness');
    expect(frameKind(encodeSaved(3))).toBe('saved');
  });
});
