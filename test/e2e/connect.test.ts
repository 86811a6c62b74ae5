/**
 * The Connect dialog in Chromium, as a new user connects a meeting to a chat channel: open it from
 * the meeting page, paste the channel's URL (chat format and the chat events are the defaults),
 * keep the secret shown once, send a ping that a real receiver gets signed, remove the webhook.
 * A view link shows no Connect button; a server that refuses private targets says what that means.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../helpers/webhook-receiver.js';
import { createMeeting, startTestServer, waitFor, type CreatedMeeting, type TestServer } from '../helpers/server.js';
import { artifactsDir, launchBrowser, openMeeting, waitForStatus, watchProblems, type PageProblems } from './browser.js';

/** What the receiver got. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A chat app's incoming webhook, on 127.0.0.1 port 0: answers 200 to everything and records it. */
const startReceiver = async (): Promise<{ url: string; received: Received[]; close: () => Promise<void>; server: Server }> => {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** True when the element has the focus inside its shadow root (or the document). */
const focused = (locator: Locator): Promise<boolean> => locator.evaluate((el) => (el.getRootNode() as Document | ShadowRoot).activeElement === el);

describe('connecting a meeting to a chat channel', () => {
  let server: TestServer;
  let strict: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  const problems: PageProblems[] = [];
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280, height = 800): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    problems.push(await watchProblems(context));
    return context.newPage();
  };

  const meetingLink = (base: TestServer, meeting: CreatedMeeting, key = meeting.editKey): string => `${base.url}/m/${meeting.id}#key=${key}`;

  const webhooksOf = async (base: TestServer, meeting: CreatedMeeting): Promise<unknown[]> => {
    const response = await fetch(`${base.url}/api/meetings/${meeting.id}/webhooks`, { headers: { authorization: `Bearer ${meeting.editKey}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { webhooks: unknown[] }).webhooks;
  };

  /** Opens the meeting with its edit key and the Connect dialog; answers the dialog's locator. */
  const openConnect = async (page: Page, link: string): Promise<Locator> => {
    await openMeeting(page, link, 'Ana');
    await waitForStatus(page, 'live');
    await page.locator('connect-button button.connect').click();
    const dialog = page.locator('connect-dialog dialog');
    await dialog.waitFor({ state: 'visible' });
    return dialog;
  };

  beforeAll(async () => {
    [server, strict, receiver, browser] = await Promise.all([
      startTestServer({ config: { webhookAllowPrivate: true } }),
      startTestServer(),
      startReceiver(),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await Promise.all([server?.close(), strict?.close(), receiver?.close()]);
  });

  it('adds a chat webhook, shows its secret once, pings it (signed, delivered) and removes it', async () => {
    const meeting = await createMeeting(server.url, { title: 'Weekly sync' });
    const page = await newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    const dialogChunk = (): string[] => requested.filter((path) => /\/assets\/connect-dialog-[\w-]+\.js$/.test(path));

    // The start page and the meeting page do not load the dialog's code until it is opened.
    await page.goto(server.url);
    await page.locator('start-page input#title').waitFor();
    await openMeeting(page, meetingLink(server, meeting), 'Ana');
    await waitForStatus(page, 'live');
    expect(dialogChunk()).toEqual([]);
    await page.locator('connect-button button.connect').click();
    const dialog = page.locator('connect-dialog dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(dialogChunk()).toHaveLength(1);
    expect(await dialog.locator('h2').innerText()).toBe('Connect this meeting');

    // Ready to paste: the URL field has the focus, chat format and the chat events are chosen.
    const url = dialog.locator('input[name="url"]');
    expect(await focused(url)).toBe(true);
    expect(await dialog.locator('input[name="format"][value="chat"]').isChecked()).toBe(true);
    const checked = await dialog.locator('input[name="events"]').evaluateAll((boxes) => (boxes as HTMLInputElement[]).filter((b) => b.checked).map((b) => b.value));
    expect(checked).toEqual(['meeting.ended', 'action_item.created']);
    await dialog.locator('.empty', { hasText: 'Nothing yet' }).waitFor();

    const target = `${receiver.url}/hooks/team-channel`;
    await url.fill(target);
    const dir = await artifactsDir();
    await page.locator('meeting-page header.top').screenshot({ path: join(dir, 'connect-header.png') });
    await dialog.screenshot({ path: join(dir, 'connect-form.png') });
    await dialog.locator('button.add').click();
    const secretInput = dialog.locator('textarea.secret');
    await secretInput.waitFor();
    const secret = await secretInput.inputValue();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(await dialog.locator('.created').innerText()).toContain('it will not be shown again');
    const item = dialog.locator('webhook-item');
    await waitFor(async () => (await item.count()) === 1, 'the new webhook in the list');
    expect(await item.locator('.url').innerText()).toBe(target);
    expect(await item.locator('.tag').allInnerTexts()).toEqual(['Chat', 'meeting.ended', 'action_item.created']);

    // Send a ping: the page says it was delivered, and the receiver got it, signed.
    await item.locator('button.ping').click();
    await item.locator('.result', { hasText: 'Delivered: HTTP 200' }).waitFor();
    expect(receiver.received).toHaveLength(1);
    const [ping] = receiver.received;
    expect(ping.path).toBe('/hooks/team-channel');
    expect(ping.headers['content-type']).toContain('application/json');
    expect(verifyWebhook(secret, ping.headers, ping.body)).toBe(true);
    expect(verifyWebhook(secret, ping.headers, `${ping.body} `)).toBe(false);
    expect(Math.abs(Number(ping.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(300);
    expect(typeof (JSON.parse(ping.body) as { text: unknown }).text).toBe('string');
    // The delivery log lists it.
    await item.locator('summary').click();
    const row = item.locator('tr.delivery').first();
    expect(await row.locator('td.event').innerText()).toBe('ping');
    expect(await row.locator('td.outcome').innerText()).toBe('Delivered: HTTP 200');

    await dialog.screenshot({ path: join(dir, 'connect.png') });

    // Escape closes it, the focus goes back to Connect, and the secret is not shown again.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await focused(page.locator('connect-button button.connect'))).toBe(true);
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('textarea.secret').count()).toBe(0);
    await waitFor(async () => (await item.count()) === 1, 'the webhook listed again');

    // Remove asks first; Escape there keeps it (and the dialog open).
    await item.locator('button.remove').click();
    expect(await focused(item.locator('button.cancel-remove'))).toBe(true);
    await page.keyboard.press('Escape');
    await item.locator('button.remove').waitFor();
    expect(await dialog.isVisible()).toBe(true);
    expect(await webhooksOf(server, meeting)).toHaveLength(1);
    await item.locator('button.remove').click();
    await item.locator('button.confirm-remove').click();
    await dialog.locator('.empty', { hasText: 'Nothing yet' }).waitFor();
    expect(await webhooksOf(server, meeting)).toEqual([]);
  });

  it('shows the Connect button only to edit key holders, on the meeting and the series pages', async () => {
    const meeting = await createMeeting(server.url, { title: 'Planning' });
    const page = await newPage();
    await openMeeting(page, meetingLink(server, meeting, meeting.viewKey), 'Viewer');
    await waitForStatus(page, 'live');
    await page.locator('share-menu button.primary').waitFor();
    expect(await page.locator('connect-button').count()).toBe(0);

    const response = await fetch(`${server.url}/api/meetings/${meeting.id}/series`, {
      method: 'POST',
      headers: { authorization: `Bearer ${meeting.editKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Planning', cadence: 'weekly' }),
    });
    expect(response.status).toBe(201);
    const series = (await response.json()) as { id: string; editKey: string; viewKey: string };
    await page.goto(`${server.url}/s/${series.id}#key=${series.viewKey}`);
    await page.locator('series-page h1', { hasText: 'Planning' }).waitFor();
    expect(await page.locator('connect-button').count()).toBe(0);

    await page.goto(`${server.url}/s/${series.id}#key=${series.editKey}`);
    await page.locator('series-page h1', { hasText: 'Planning' }).waitFor();
    await page.locator('series-page connect-button button.connect').click();
    const dialog = page.locator('connect-dialog dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await dialog.locator('h2').innerText()).toBe('Connect this series');
    expect(await dialog.locator('input[name="events"][value="meeting.created"]').count()).toBe(1);
    await dialog.locator('button.close').click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('explains a refused private target on a server that does not allow them', async () => {
    const meeting = await createMeeting(strict.url, { title: 'Retro' });
    const page = await newPage();
    const dialog = await openConnect(page, meetingLink(strict, meeting));
    await dialog.locator('input[name="url"]').fill(`${receiver.url}/hooks/team-channel`);
    await dialog.locator('button.add').click();
    const error = dialog.locator('.add-error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/^Refused: 127\.0\.0\.1 is a private or local network address\.[\s\S]*MEETPAD_WEBHOOK_ALLOW_PRIVATE/);
    await dialog.screenshot({ path: join(await artifactsDir(), 'connect-refused.png') });
    expect(await dialog.locator('textarea.secret').count()).toBe(0);
    expect(await webhooksOf(strict, meeting)).toEqual([]);
    expect(await focused(dialog.locator('input[name="url"]'))).toBe(true);
  });

  it('fits a phone screen, long addresses included', async () => {
    const meeting = await createMeeting(server.url, { title: 'Standup' });
    const page = await newPage(390, 844);
    const dialog = await openConnect(page, meetingLink(server, meeting));
    await dialog.locator('input[name="url"]').fill(`${receiver.url}/hooks/services/T0000000/B0000000/${'x'.repeat(48)}`);
    await dialog.locator('button.add').click();
    await dialog.locator('webhook-item').waitFor();
    const box = await dialog.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    const overflow = await dialog.locator('.body').evaluate((body) => body.scrollWidth - body.clientWidth);
    expect(overflow).toBe(0);
    await page.screenshot({ path: join(await artifactsDir(), 'connect-narrow.png') });
  });

  it('no page logged an error', () => {
    // The refused add is a 400 answer, which Chromium logs as a failed resource load.
    const errors = problems.flatMap((p) => p.errors).filter((e) => !/Failed to load resource: the server responded with a status of 400/.test(e));
    expect(errors).toEqual([]);
  });
});
