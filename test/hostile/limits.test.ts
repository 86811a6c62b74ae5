/**
 * Limits that refuse before the upgrade (connections per meeting and per address), the awareness
 * flood limit, and the security headers of the web client.
 */
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE } from '../../shared/protocol.js';
import { upgradeStatus } from '../helpers/clients.js';
import { createMeeting, waitFor, type TestServer } from '../helpers/server.js';
import { awarenessMsg, awarenessPayload, fakeClientDir, joinObserver, openRaw, startServer } from './hostile-helpers.js';

const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const serve = async (options: Parameters<typeof startServer>[0]): Promise<TestServer> => {
  const server = await startServer(options);
  cleanup.push(() => server.close());
  return server;
};

describe('limits', () => {
  it('a full meeting refuses another socket with 503 before the upgrade, and takes one again when someone leaves', async () => {
    const server = await serve({ config: { maxConnectionsPerMeeting: 2 } });
    const meeting = await createMeeting(server.url);
    const first = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    const second = await openRaw(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => first.ws.terminate(), () => second.ws.terminate());
    const path = `/collab/${meeting.id}?key=${meeting.editKey}`;
    expect(await upgradeStatus(server.wsUrl, path)).toBe(503);
    const other = await createMeeting(server.url);
    expect(await upgradeStatus(server.wsUrl, `/collab/${other.id}?key=${other.editKey}`)).toBe(101);
    first.ws.close();
    await first.closed;
    await waitFor(() => server.app.meetpad.collab.size === 1, 'the server to count the socket as gone');
    expect(await upgradeStatus(server.wsUrl, path)).toBe(101);
  });

  it('one address with too many sockets gets 429 before the upgrade, whatever the meeting', async () => {
    const server = await serve({ config: { maxConnectionsPerAddress: 2 } });
    const [a, b] = [await createMeeting(server.url), await createMeeting(server.url)];
    const first = await openRaw(server.wsUrl, a.id, a.editKey);
    const second = await openRaw(server.wsUrl, b.id, b.editKey);
    cleanup.push(() => first.ws.terminate(), () => second.ws.terminate());
    expect(await upgradeStatus(server.wsUrl, `/collab/${a.id}?key=${a.editKey}`)).toBe(429);
    expect(await upgradeStatus(server.wsUrl, `/collab/${b.id}?key=${b.viewKey}`)).toBe(429);
  });

  it('presence updates past the rate are coalesced to the latest; a flood far past it closes with 4429', async () => {
    const server = await serve({ config: { awarenessPerSecond: 2 } });
    const meeting = await createMeeting(server.url);
    const observer = await joinObserver(server.wsUrl, meeting.id, meeting.viewKey);
    cleanup.push(() => observer.destroy());
    const peer = await openRaw(server.wsUrl, meeting.id, meeting.editKey);
    cleanup.push(() => peer.ws.terminate());
    const presence = (clock: number) =>
      awarenessMsg(awarenessPayload([{ clientId: 77_001, clock, json: JSON.stringify({ user: { name: `name ${clock}`, color: '#112233' } }) }]));
    // A burst a little past the rate: the last state wins, the socket stays.
    for (let clock = 1; clock <= 5; clock++) peer.send(presence(clock));
    const nameSeen = () => (observer.provider.awareness.getStates().get(77_001) as { user?: { name?: string } } | undefined)?.user?.name;
    await waitFor(() => nameSeen() === 'name 5', 'the latest presence to reach the observer');
    expect(peer.closeCode()).toBeNull();
    // Far past it (more than ten seconds' worth at once): refused.
    for (let clock = 6; clock <= 60; clock++) peer.send(presence(clock));
    expect((await peer.closed).code).toBe(CLOSE.rateLimited);
    await waitFor(() => !observer.provider.awareness.getStates().has(77_001), 'its presence to be removed');
  });
});

describe('security headers of the web client', () => {
  it('every page carries a strict CSP and the usual hardening headers', async () => {
    const { root, clientDir } = await fakeClientDir('unused-marker');
    cleanup.push(() => rm(root, { recursive: true, force: true }));
    const server = await serve({ clientDir });
    for (const path of ['/', '/m/abcdefgh123', '/api/meetings/abcdefgh123']) {
      const response = await fetch(`${server.url}${path}`);
      await response.arrayBuffer();
      const csp = response.headers.get('content-security-policy') ?? '';
      const directive = (name: string) => csp.split(';').find((d) => d.trim().startsWith(`${name} `))?.trim() ?? '';
      expect(directive('script-src'), path).toBe("script-src 'self'");
      expect(directive('default-src'), path).toBe("default-src 'self'");
      expect(directive('connect-src'), path).toBe("connect-src 'self'");
      expect(directive('object-src'), path).toBe("object-src 'none'");
      expect(directive('frame-ancestors'), path).toBe("frame-ancestors 'none'");
      expect(directive('base-uri'), path).toBe("base-uri 'none'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });
});
