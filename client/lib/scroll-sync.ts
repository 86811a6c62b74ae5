/** Maps between source lines and preview scroll offsets using the `data-line` of top-level blocks. */

const blocks = (preview: HTMLElement): { line: number; top: number }[] =>
  Array.from(preview.querySelectorAll<HTMLElement>(':scope > [data-line]')).map((el) => ({
    line: Number(el.dataset.line),
    top: el.offsetTop,
  }));

/** The preview scrollTop that shows source `line` (fractional, 0-based) at the top. */
export const previewTopForLine = (preview: HTMLElement, line: number): number => {
  const list = blocks(preview);
  let before = { line: 0, top: 0 };
  for (const block of list) {
    if (block.line > line) {
      const span = Math.max(block.line - before.line, 1);
      return before.top + ((line - before.line) / span) * (block.top - before.top);
    }
    before = block;
  }
  return before.top;
};

/** The source line (fractional, 0-based) shown at the top of the preview. */
export const lineAtPreviewTop = (preview: HTMLElement): number => {
  const list = blocks(preview);
  const top = preview.scrollTop;
  let before = { line: 0, top: 0 };
  for (const block of list) {
    if (block.top > top) {
      const span = Math.max(block.top - before.top, 1);
      return before.line + ((top - before.top) / span) * (block.line - before.line);
    }
    before = block;
  }
  return before.line;
};
