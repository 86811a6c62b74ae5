/**
 * Puts a newly rendered preview into the page without rebuilding all of it: the top-level blocks
 * whose HTML is the same as shown, before and after the part that changed, stay as they are, so
 * the browser parses, restyles and lays out only what changed while someone types into a long
 * text. The HTML is the renderer's (client/lib/markdown-html.ts), one string per top-level block.
 */

interface Shown {
  blocks: readonly string[];
  /** The nodes each block became (its element, and the line break after it). */
  nodes: ChildNode[][];
  readonly: boolean;
}

const shownIn = new WeakMap<Element, Shown>();

// The blocks' nodes, in a fragment: the task boxes (rendered disabled) enabled unless `readonly`.
const parse = (blocks: readonly string[], readonly: boolean): { fragment: DocumentFragment; nodes: ChildNode[][] } => {
  const template = document.createElement('template');
  template.innerHTML = blocks.join('');
  template.content.querySelectorAll<HTMLInputElement>('input.task[data-line]').forEach((box) => (box.disabled = readonly));
  // Each block is one element and what follows it up to the next one.
  const nodes: ChildNode[][] = [];
  for (const node of template.content.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE || nodes.length === 0) nodes.push([node]);
    else nodes[nodes.length - 1]!.push(node);
  }
  if (nodes.length === blocks.length || blocks.length === 1) return { fragment: template.content, nodes: blocks.length === 1 ? [nodes.flat()] : nodes };
  // Not one element per block (not what the renderer writes): parsed one by one, then.
  const fragment = document.createDocumentFragment();
  const each = blocks.map((html) => {
    const one = parse([html], readonly);
    fragment.append(one.fragment);
    return one.nodes[0]!;
  });
  return { fragment, nodes: each };
};

/** Makes the children of `target` the HTML of `blocks`, with task boxes enabled unless `readonly`. */
export const replaceChangedBlocks = (target: Element, blocks: readonly string[], readonly: boolean): void => {
  const shown = shownIn.get(target);
  const count = shown?.nodes.reduce((sum, nodes) => sum + nodes.length, 0);
  // What is shown is reused only if it is what this function put there.
  const reuse = shown && shown.readonly === readonly && count === target.childNodes.length ? shown : null;
  if (!reuse) target.replaceChildren();
  const old = reuse?.blocks ?? [];
  let start = 0;
  while (start < old.length && start < blocks.length && old[start] === blocks[start]) start++;
  let end = 0;
  while (end < old.length - start && end < blocks.length - start && old[old.length - 1 - end] === blocks[blocks.length - 1 - end]) end++;
  const oldNodes = reuse?.nodes ?? [];
  oldNodes.slice(start, oldNodes.length - end).forEach((nodes) => nodes.forEach((node) => node.remove()));
  const after = oldNodes.slice(oldNodes.length - end);
  const fresh = parse(blocks.slice(start, blocks.length - end), readonly);
  target.insertBefore(fresh.fragment, after[0]?.[0] ?? null);
  shownIn.set(target, { blocks, nodes: [...oldNodes.slice(0, start), ...fresh.nodes, ...after], readonly });
};
