/**
 * `npm run docs:config [-- --check] [FILE...]`: rewrites the configuration table between
 * `<!-- config-table:start -->` and `<!-- config-table:end -->` (README.md by default) from the
 * schema in server/config.ts. `--check` changes nothing and exits 1 when a table is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configTable } from '../config.js';
import { UsageError, parseArgs, runTool } from './cli-support.js';

/** The markers around the generated table. */
export const TABLE_START = '<!-- config-table:start -->';
export const TABLE_END = '<!-- config-table:end -->';

/** The text between the markers, or null when the markers are missing. */
export const tableBlock = (text: string): string | null => {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) return null;
  return text.slice(start + TABLE_START.length, end);
};

/** The text with the block replaced by the current table. */
export const withCurrentTable = (text: string): string => {
  const block = tableBlock(text);
  if (block === null) throw new UsageError(`no ${TABLE_START} ... ${TABLE_END} block found`);
  const start = text.indexOf(TABLE_START) + TABLE_START.length;
  return `${text.slice(0, start)}\n${configTable()}\n${text.slice(start + block.length)}`;
};

const main = async (): Promise<void> => {
  const { positional, options } = parseArgs(process.argv.slice(2), ['check']);
  const files = positional.length ? positional : [fileURLToPath(new URL('../../README.md', import.meta.url))];
  let stale = 0;
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    const next = withCurrentTable(text);
    if (next === text) continue;
    if (options.has('check')) {
      stale++;
      process.stderr.write(`${file}: the configuration table is out of date; run npm run docs:config\n`);
    } else {
      await writeFile(file, next, 'utf8');
      process.stdout.write(`${file}: configuration table updated\n`);
    }
  }
  if (stale) process.exitCode = 1;
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runTool('docs:config', 'npm run docs:config [-- --check] [FILE...]', main);
