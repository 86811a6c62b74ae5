/** Copying text for the person: the Clipboard API, else the old selection-and-copy way. */

/** How a copy went: `copied`, or `manual` (the caller shows the text selected for Ctrl+C). */
export type CopyResult = 'copied' | 'manual';

/**
 * Copies `text`. Without the Clipboard API (plain http on another host, an old browser) or when it
 * is refused, tries `execCommand('copy')` on `fallback`, a textarea the caller shows holding the
 * text; `manual` when that fails too, and the text stays selected in it.
 */
export const copyText = async (text: string, fallback: () => Promise<HTMLTextAreaElement | null>): Promise<CopyResult> => {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // refused (no focus, no permission): fall through to the selection
  }
  const area = await fallback();
  if (!area) return 'manual';
  area.value = text;
  area.focus();
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  return copied ? 'copied' : 'manual';
};
