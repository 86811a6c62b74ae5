/**
 * Puts a newly rendered preview into the page without rebuilding all of it: the top-level blocks
 * before and after the part that changed are kept (so the browser restyles and lays out only what
 * changed while someone types into a long text). The HTML is the sanitiser's output.
 */

/**
 * Makes the children of `target` those of `html`, with its task boxes (rendered disabled)
 * enabled unless `readonly`, as shown ones are, so that unchanged blocks compare equal.
 */
export const replaceChangedBlocks = (target: Element, html: string, readonly: boolean): void => {
  const template = document.createElement('template');
  template.innerHTML = html;
  template.content.querySelectorAll<HTMLInputElement>('input.task[data-line]').forEach((box) => (box.disabled = readonly));
  const next = [...template.content.childNodes];
  const old = [...target.childNodes];
  let start = 0;
  while (start < old.length && start < next.length && old[start]!.isEqualNode(next[start]!)) start++;
  let oldEnd = old.length;
  let nextEnd = next.length;
  while (oldEnd > start && nextEnd > start && old[oldEnd - 1]!.isEqualNode(next[nextEnd - 1]!)) {
    oldEnd--;
    nextEnd--;
  }
  // What stays is dropped from the new blocks; the rest takes the place of the changed ones.
  [...old.slice(start, oldEnd), ...next.slice(0, start), ...next.slice(nextEnd)].forEach((node) => node.remove());
  target.insertBefore(template.content, old[oldEnd] ?? null);
};
