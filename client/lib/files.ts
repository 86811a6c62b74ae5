/** Browser file helpers: reading an imported .md file and saving a download. */

/** Reads a file as UTF-8 text exactly (BOM kept); throws a readable Error for non-UTF-8 bytes. */
export const readUtf8File = async (file: File): Promise<string> => {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new Error(`"${file.name}" is not UTF-8 text. Save it as UTF-8 and try again.`);
  }
};

/** Saves a blob under a file name through a temporary link. */
export const saveBlob = (blob: Blob, fileName: string): void => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** A file name made from a meeting title. */
export const fileNameFor = (title: string): string => {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80)
    .toLowerCase();
  return `${slug || 'meeting'}.md`;
};
