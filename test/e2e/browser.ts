/**
 * Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core, one browser
 * per test file, and helpers that read the meeting page the way a person would.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestServer, waitFor, type TestServer } from '../helpers/server.js';

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');

/** Launches headless Chromium (CHROMIUM_PATH overrides the Debian path). */
export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });

/** Creates the artifacts directory. */
export const artifactsDir = async (): Promise<string> => {
  await mkdir(ARTIFACTS, { recursive: true });
  return ARTIFACTS;
};

/** Problems a page reported: console errors, uncaught exceptions, CSP violations. */
export interface PageProblems {
  errors: string[];
}

/** Records console errors and uncaught exceptions of every page of a context. */
export const watchProblems = async (context: BrowserContext): Promise<PageProblems> => {
  const problems: PageProblems = { errors: [] };
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  const watch = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return problems;
};

/** What the tests of one browser file share: a server and a Chromium, and the contexts opened through it. */
export interface BrowserSuite {
  readonly server: TestServer;
  readonly browser: Browser;
  /** The problems of every context opened through `newContext` or `attendee`. */
  readonly problems: PageProblems[];
  /** A new context with its first page, watched for problems and closed after the file's tests. */
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }>;
  /** A page in a context of its own that opened `link` as `name` and is live. */
  attendee(link: string, name: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/** Registers a browser file's hooks: the server and Chromium start before its tests and stop after them. */
export const useBrowserSuite = (): BrowserSuite => {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const problems: PageProblems[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the server and the browser start before the first test');
    return value;
  };
  const suite: BrowserSuite = {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    problems,
    async newContext(options) {
      const context = await suite.browser.newContext(options);
      contexts.push(context);
      const watched = await watchProblems(context);
      problems.push(watched);
      return { context, problems: watched, page: await context.newPage() };
    },
    async attendee(link, name, viewport = { width: 1400, height: 900 }) {
      const { page } = await suite.newContext({ viewport });
      await openMeeting(page, link, name);
      await waitForStatus(page, 'live');
      return page;
    },
  };
  return suite;
};

/** Opens a meeting link and answers the name dialog. */
export const openMeeting = async (page: Page, url: string, name: string, color?: string): Promise<void> => {
  await page.goto(url);
  await answerName(page, name, color);
};

/** Fills in the "Who are you?" dialog (`color`: one of the offered `#rrggbb` swatches). */
export const answerName = async (page: Page, name: string, color?: string): Promise<void> => {
  const input = page.locator('identity-dialog input[name="name"]');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  if (color) await page.locator(`identity-dialog button.swatch[aria-label="${color}"]`).click();
  await page.locator('identity-dialog button.join').click();
  await input.waitFor({ state: 'hidden' });
};

/** The text of a section's editor, without remote-cursor widgets. */
export const editorText = (page: Page, section: 'agenda' | 'notes'): Promise<string> =>
  page.locator(`meeting-section.${section} .cm-content`).evaluate((content) =>
    Array.from(content.querySelectorAll(':scope > .cm-line'))
      .map((line) => {
        const copy = line.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer').forEach((w) => w.remove());
        return (copy.textContent ?? '').replace(/\u2060/g, '');
      })
      .join('\n'),
  );

/** The text of a section's preview. */
export const previewText = (page: Page, section: 'agenda' | 'notes'): Promise<string> =>
  page.locator(`meeting-section.${section} .preview`).innerText();

/** Places the cursor at the end of a section (or of its first line) and types `text`. */
export const typeAtEnd = async (page: Page, section: 'agenda' | 'notes', text: string, where: 'end' | 'first-line' = 'end'): Promise<void> => {
  const content = page.locator(`meeting-section.${section} .cm-content`);
  await content.click();
  await page.keyboard.press(where === 'end' ? 'Control+End' : 'Control+Home');
  if (where === 'first-line') await page.keyboard.press('End');
  await page.keyboard.type(text);
};

/** Waits for the connection/save indicator to reach a state. */
export const waitForStatus = (page: Page, connection: string, save?: string): Promise<unknown> =>
  waitFor(async () => {
    const status = page.locator('status-indicator');
    const c = await status.getAttribute('connection');
    const s = await status.getAttribute('save');
    return c === connection && (save === undefined || s === save);
  }, `status ${connection}${save ? `/${save}` : ''}`);

/** Waits until IndexedDB has committed every write started so far for this meeting. */
export const flushIndexedDb = (page: Page, meetingId: string): Promise<number> =>
  page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          // A read transaction on the same store runs after the writes created before it.
          const tx = db.transaction('updates', 'readonly');
          const count = tx.objectStore('updates').count();
          tx.oncomplete = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
    `meetpad:${meetingId}`,
  );
