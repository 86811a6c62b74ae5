/**
 * The preview in Chromium follows the text block by block: typing into one block replaces that
 * block's element and keeps the others, a new line above renumbers every block's source line, and
 * task boxes carry the line of their item and work only where the person may edit.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMeeting, waitFor } from '../helpers/server.js';
import { editorText, previewText, typeAtEnd, useBrowserSuite } from './browser.js';

const MARKDOWN = '# Agenda\n\n- one\n\n# Notes\n\nFirst paragraph.\n\n- [ ] Tag the release\n\nLast paragraph.\n';

// Marks every top-level element of the notes preview, so a test can tell kept elements from new ones.
const markBlocks = (page: Page): Promise<void> =>
  page.locator('meeting-section.notes .preview').evaluate((preview) => {
    for (const element of preview.children) (element as HTMLElement & { kept?: boolean }).kept = true;
  });

// Each top-level element of the notes preview: its tag, its source line, whether it was kept.
const blocks = (page: Page): Promise<{ tag: string; line: string | null; kept: boolean }[]> =>
  page.locator('meeting-section.notes .preview').evaluate((preview) =>
    Array.from(preview.children, (element) => ({ tag: element.tagName, line: element.getAttribute('data-line'), kept: (element as HTMLElement & { kept?: boolean }).kept === true })),
  );

// The task box of the notes preview: its line and whether it can be clicked.
const taskBox = (page: Page): Promise<{ line: string | null; disabled: boolean }> =>
  page.locator('meeting-section.notes .preview input.task').evaluate((box) => ({ line: box.getAttribute('data-line'), disabled: (box as HTMLInputElement).disabled }));

describe('the preview', () => {
  const suite = useBrowserSuite();

  it('replaces only the block that changed, renumbers blocks below a new line, and keeps task boxes on their lines', async () => {
    const meeting = await createMeeting(suite.server.url, { title: 'Preview', markdown: MARKDOWN });
    const page = await suite.attendee(`${suite.server.url}/m/${meeting.id}#key=${meeting.editKey}`, 'Pia');
    await waitFor(async () => (await previewText(page, 'notes')).includes('Last paragraph.'), 'the notes preview');
    expect(await blocks(page)).toEqual([
      { tag: 'H1', line: '0', kept: false },
      { tag: 'P', line: '2', kept: false },
      { tag: 'UL', line: '4', kept: false },
      { tag: 'P', line: '6', kept: false },
    ]);
    expect(await taskBox(page)).toEqual({ line: '5', disabled: false });

    await markBlocks(page);
    await typeAtEnd(page, 'notes', ' More.');
    await waitFor(async () => (await previewText(page, 'notes')).includes('Last paragraph. More.'), 'the typed words in the preview');
    expect((await blocks(page)).map((block) => block.kept)).toEqual([true, true, true, false]);

    // A new line under the heading moves every block after it one line down.
    await markBlocks(page);
    await typeAtEnd(page, 'notes', '\n', 'first-line');
    await waitFor(async () => (await editorText(page, 'notes')).startsWith('# Notes\n\n\nFirst'), 'the new line');
    await waitFor(async () => (await blocks(page))[1]?.line === '3', 'the blocks renumbered');
    expect(await blocks(page)).toEqual([
      { tag: 'H1', line: '0', kept: true },
      { tag: 'P', line: '3', kept: false },
      { tag: 'UL', line: '5', kept: false },
      { tag: 'P', line: '7', kept: false },
    ]);
    expect(await taskBox(page)).toEqual({ line: '6', disabled: false });

    // Someone with the view link sees the same preview, with boxes that cannot be ticked.
    const viewer = await suite.attendee(`${suite.server.url}/m/${meeting.id}#key=${meeting.viewKey}`, 'Vic');
    await waitFor(async () => (await previewText(viewer, 'notes')).includes('Last paragraph. More.'), "the viewer's preview");
    expect(await taskBox(viewer)).toEqual({ line: '6', disabled: true });
  });
});
