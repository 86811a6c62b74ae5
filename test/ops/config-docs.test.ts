/**
 * The configuration an admin reads is the one the server runs: the README's table is generated from
 * the schema, and a mistyped or unknown setting stops startup with a message naming the variable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTable } from '../../server/config.js';
import { tableBlock, withCurrentTable } from '../../server/cli/docs-config.js';
import { tempDir } from '../helpers/server.js';
import { ROOT, runScript } from './ops-helpers.js';

describe('configuration reference', () => {
  it('the README holds exactly the table generated from the settings schema (npm run docs:config rewrites it)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(tableBlock(readme)).toBe(`\n${configTable()}\n`);
  });

  it('docs:config replaces only what is between the markers', () => {
    const text = 'before\n<!-- config-table:start -->\nold table\n<!-- config-table:end -->\nafter\n';
    expect(withCurrentTable(text)).toBe(`before\n<!-- config-table:start -->\n${configTable()}\n<!-- config-table:end -->\nafter\n`);
    expect(withCurrentTable(withCurrentTable(text))).toBe(withCurrentTable(text));
  });
});

describe('startup with a bad configuration', () => {
  it('an invalid value stops the server with a message naming the variable', async () => {
    const run = await runScript('server/main.ts', [], { PORT: '0', DATA_DIR: await tempDir(), MEETPAD_MAX_FRAME_BYTES: 'two megabytes' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('MEETPAD_MAX_FRAME_BYTES');
    expect(run.stderr).toContain('two megabytes');
  });

  it('an unknown MEETPAD_ variable (a typo) stops the server with a message naming it', async () => {
    const run = await runScript('server/main.ts', [], { PORT: '0', DATA_DIR: await tempDir(), MEETPAD_ADMIN_TOKN: 'secret' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('MEETPAD_ADMIN_TOKN');
  });
});
