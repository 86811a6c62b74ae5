/**
 * Regressions for defects a review found: a close reason quoting non-ASCII client text crashed the
 * process, a crafted update passed the checks and was half applied, an encoded path skipped the
 * admin token, and an encoded parameter name carried a key into the log.
 */
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { createMeeting, startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, exportText, joinObserver, openRaw, syncMsg } from './hostile-helpers.js';
import { SYNC } from '../../shared/protocol.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const serve = async (options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> => {
  const server = await startTestServer(options);
  cleanup.push(() => server.close());
  return server;
};

/** Two structs in one update: a plain insertion, then one whose origin is itself (5:0 → 5:0). */
const selfReferencingUpdate = (): Uint8Array => {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 2);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 1000);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 4); // no origins, ContentString, parent given
  encoding.writeVarUint(e, 1);
  encoding.writeVarString(e, 'notes');
  encoding.writeVarString(e, 'INJECTED');
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, 5);
  encoding.writeVarUint(e, 0);
  encoding.writeUint8(e, 0x80 | 4); // origin follows
  encoding.writeVarUint(e, 5);
  encoding.writeVarUint(e, 0);
  encoding.writeVarString(e, 'x');
  encoding.writeVarUint(e, 0); // empty delete set
  return encoding.toUint8Array(e);
};

describe('review findings', () => {
  it('an update with an item referring to itself is refused whole: nothing of it is stored or broadcast', async () => {
    const server = await serve();
    const meeting = await createMeeting(server.url);
    const observer = await joinObserver(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => observer.destroy());
    const before = await exportText(server.url, meeting.id, meeting.viewKey);
    const attacker = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    attacker.send(syncMsg(SYNC.update, selfReferencingUpdate()));
    expect((await attacker.closed).code).toBe(CLOSE.policy);
    expect(await exportText(server.url, meeting.id, meeting.viewKey)).toEqual(before);
    const late = await joinObserver(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => late.destroy());
    expect(late.doc.getText('notes').toString()).not.toContain('INJECTED');
    expect(observer.doc.getText('notes').toString()).not.toContain('INJECTED');
  });

  it('a refusal quoting non-ASCII text from the client closes the socket and the server stays up', async () => {
    const server = await serve();
    const meeting = await createMeeting(server.url);
    const peer = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    peer.send(awarenessMsg(awarenessPayload([{ clientId: 4242, clock: 1, json: JSON.stringify({ ['漢'.repeat(60)]: 1 }) }])));
    expect((await peer.closed).code).toBe(CLOSE.policy);
    const health = await fetch(`${server.url}/healthz`);
    await health.arrayBuffer();
    expect(health.status).toBe(200);
  });

  it('an encoded admin path still needs the admin token', async () => {
    // Bodies are read so that no response is left holding its connection open.
    const statusOf = async (url: string, headers: Record<string, string> = {}): Promise<number> => {
      const response = await fetch(url, { headers });
      await response.arrayBuffer();
      return response.status;
    };
    const open = await serve();
    expect(await statusOf(`${open.url}/api/%61dmin/backup`)).toBe(403);
    const guarded = await serve({ config: { adminToken: 'the-admin-token' } });
    expect(await statusOf(`${guarded.url}/api/%61dmin/backup`)).toBe(401);
    expect(await statusOf(`${guarded.url}/api/admin/backup`)).toBe(401);
    expect(await statusOf(`${guarded.url}/api/%61dmin/backup`, { authorization: 'Bearer the-admin-token' })).toBe(200);
  });

  it('a key passed under an encoded parameter name is redacted from the log too', async () => {
    const lines: string[] = [];
    const server = await serve({ config: { logLevel: 'info' }, deps: { logStream: { write: (line: string) => void lines.push(line) } } });
    const meeting = await createMeeting(server.url);
    const response = await fetch(`${server.url}/api/meetings/${meeting.id}?%6Bey=${meeting.editKey}`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    await waitFor(() => lines.some((line) => line.includes('request completed')), 'the access log line');
    expect(lines.join('\n')).not.toContain(meeting.editKey);
  });
});
