/**
 * The start page and sharing: create a meeting, share its view link (read only), import a Markdown
 * file and download it back byte for byte, "My meetings".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';
import { answerName, artifactsDir, editorText, launchBrowser, openMeeting, previewText, waitForStatus, watchProblems, type PageProblems } from './browser.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'status-devs-meeting-1.md');

describe('start page, sharing and export', () => {
  let server: TestServer;
  let browser: Browser;
  const problems: PageProblems[] = [];

  const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    problems.push(await watchProblems(context));
    return { context, page: await context.newPage() };
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a view link shows the meeting but cannot change it', async () => {
    const { page: owner } = await newPage();
    await owner.goto(server.url);
    await owner.locator('start-page input#title').fill('Design review');
    await owner.locator('start-page button[type="submit"].primary').click();
    await answerName(owner, 'Owner');
    await waitForStatus(owner, 'live');
    expect(await owner.title()).toBe('Design review · meetpad');

    await owner.locator('share-menu button.primary').click();
    const viewLink = await owner.locator('share-menu input.link-view').inputValue();
    const editLink = await owner.locator('share-menu input.link-edit').inputValue();
    expect(viewLink).toMatch(/\/m\/[\w-]+#key=/);
    expect(viewLink).not.toBe(editLink);
    expect(owner.url()).toBe(editLink);

    const { page: viewer } = await newPage();
    await openMeeting(viewer, viewLink, 'Viewer');
    await waitForStatus(viewer, 'live');
    await waitFor(async () => (await previewText(viewer, 'agenda')).includes('Design review'), 'viewer sees the content');
    const before = await editorText(owner, 'notes');

    // Switch the viewer to the editor and try to type.
    await viewer.keyboard.press('Control+Alt+E');
    const content = viewer.locator('meeting-section.notes .cm-content');
    await content.waitFor({ state: 'visible' });
    expect(await content.getAttribute('contenteditable')).toBe('false');
    await content.click();
    await viewer.keyboard.type('viewer tries to write');
    await viewer.keyboard.press('Enter');
    await viewer.keyboard.press('Backspace');
    expect(await editorText(viewer, 'notes')).toBe(before);

    // The owner still sees the viewer as an attendee, and the document did not change anywhere.
    await waitFor(async () => (await owner.locator('attendee-list li.attendee', { hasText: 'Viewer' }).count()) === 1, 'viewer in the list');
    expect(await editorText(owner, 'notes')).toBe(before);
    expect(await viewer.locator('status-indicator').getAttribute('connection')).toBe('live');
    expect(await viewer.locator('share-menu').evaluate((el) => (el as unknown as { editKey: string }).editKey)).toBe('');
  });

  it('imports a Markdown file from the start page and downloads the same bytes', async () => {
    const { page } = await newPage();
    await page.goto(server.url);
    await page.locator('start-page input[type="file"]').setInputFiles(FIXTURE);
    await answerName(page, 'Importer');
    await waitForStatus(page, 'live');
    await waitFor(async () => (await previewText(page, 'notes')).includes('Infrastructure updates'), 'imported notes');
    expect(await previewText(page, 'agenda')).toContain('Agenda');

    await page.locator('share-menu button.primary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('share-menu button.download').click()]);
    const path = await download.path();
    expect(download.suggestedFilename()).toMatch(/\.md$/);
    expect(Buffer.compare(await readFile(path), await readFile(FIXTURE))).toBe(0);

    // It is in "My meetings", found by the filter.
    await page.locator('a.brand').click();
    const list = page.locator('start-page ul.meetings li');
    await waitFor(async () => (await list.count()) === 1, 'my meetings list');
    await page.locator('start-page input[type="search"]').fill('status');
    expect(await list.count()).toBe(1);
    const dir = await artifactsDir();
    await page.locator('start-page input[type="search"]').fill('');
    await page.screenshot({ path: join(dir, 'start.png') });
    await page.locator('start-page input[type="search"]').fill('no such meeting');
    expect(await list.count()).toBe(0);
  });

  it('opens a meeting from a pasted link, and refuses text that is not a link', async () => {
    const { page: owner } = await newPage();
    await owner.goto(server.url);
    await owner.locator('start-page button[type="submit"].primary').click();
    await answerName(owner, 'Owner');
    await waitForStatus(owner, 'live');
    const link = owner.url();

    const { page } = await newPage();
    await page.goto(server.url);
    const input = page.locator('start-page input[name="link"]');
    await input.fill('not a link');
    await input.press('Enter');
    await page.locator('start-page .error', { hasText: 'not a meeting link' }).waitFor();
    await input.fill(`  ${link}  `);
    await input.press('Enter');
    await answerName(page, 'Guest');
    await waitForStatus(page, 'live');
    expect(page.url()).toBe(link);
  });

  it('refuses a file that is not UTF-8', async () => {
    const { page } = await newPage();
    await page.goto(server.url);
    await page.locator('start-page input[type="file"]').setInputFiles({ name: 'latin1.md', mimeType: 'text/markdown', buffer: Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]) });
    await page.locator('start-page .error', { hasText: 'not UTF-8' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('no page logged an error', () => {
    expect(problems.flatMap((p) => p.errors)).toEqual([]);
  });
});
