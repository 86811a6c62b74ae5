/**
 * A backup download that is still streaming, or that its client cut short, never keeps the server
 * from shutting down: `app.close()` ends the download and every connection, then closes the store.
 * Each test's budget (its vitest timeout) is the check: before the fix these closes hung for the
 * keep-alive or headers timeout (a minute or more).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMeeting, startTestServer, type TestServer } from '../helpers/server.js';

const ADMIN_TOKEN = 'backup-abort-admin-token';
const BUDGET = { timeout: 10_000 };
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server with one meeting (and `records` extra records), and a backup download just started. */
const startBackup = async (records = 0): Promise<Response> => {
  server = await startTestServer({ config: { adminToken: ADMIN_TOKEN } });
  await createMeeting(server.url, { title: 'Backed up' });
  const filler = 'x'.repeat(1024);
  if (records) await server.app.meetpad.store.writeRecords(Array.from({ length: records }, (_, i) => ({ collection: 'backup-abort-test', key: `k${i}`, value: { filler } })));
  const response = await fetch(`${server.url}/api/admin/backup`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return response;
};
const closeServer = async (): Promise<void> => {
  const closing = server!;
  server = undefined; // closed here, not again by afterEach
  await closing.close();
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('backup downloads and shutdown', () => {
  it('a download cut short by its client, some time before the close, lets the server close', BUDGET, async () => {
    const response = await startBackup();
    await response.body?.cancel();
    await pause(100); // not a threshold: gives the client time to re-dial for the aborted request
    await closeServer();
  });

  it('a download cut short by its client right before the close lets the server close', BUDGET, async () => {
    const response = await startBackup();
    await response.body?.cancel();
    await closeServer();
  });

  it('a download still unread when the server closes is ended, and the server closes', BUDGET, async () => {
    const response = await startBackup();
    await closeServer();
    // Whole (it finished before the close) or cut short without its end line: never hanging.
    const text = await response.text().catch(() => '');
    if (text) expect(text.trimEnd().split('\n').at(-1)).toContain('"end"');
  });

  it('a large download its client does not read (held by back-pressure) is cut short at close', BUDGET, async () => {
    const response = await startBackup(4000); // about 4 MB: more than the socket buffers hold
    await pause(100);
    await closeServer();
    const text = await response.text().catch(() => '');
    expect(text).not.toContain('"end"');
  });

  it('a download read to the end, then the close', BUDGET, async () => {
    const response = await startBackup();
    const lines = (await response.text()).trimEnd().split('\n');
    expect((JSON.parse(lines.at(-1)!) as { end: { count: number } }).end.count).toBe(1);
    await closeServer();
  });
});
