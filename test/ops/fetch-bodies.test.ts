/**
 * Every test reads or cancels every `fetch` response body (GUIDE 6): an unread streamed body once
 * stalled a request. The audit (fetch-audit.ts) reads the syntax of every file under test/.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FetchAudit } from './fetch-audit.js';

const TEST_ROOT = join(import.meta.dirname, '..');

const auditOf = (files: Record<string, string>): string[] => {
  const audit = new FetchAudit();
  for (const [name, text] of Object.entries(files)) audit.add(join('/virtual', name), text);
  return audit.findings().map((f) => `${f.file.replace('/virtual/', '')}:${f.line}`);
};

describe('fetch response bodies', () => {
  it('the audit tells a consumed response from one left unread', () => {
    const findings = auditOf({
      'bad.test.ts': [
        'expect((await fetch(url)).status).toBe(200);', // 1: only the status
        'const r = await fetch(url); expect(r.ok).toBe(true);', // 2: a variable never read
        'await fetch(url);', // 3: dropped
        'const get = () => fetch(url);', // 4: fetch-like: its callers are checked
        'expect((await get()).status).toBe(200);', // 5
        'const loose = (r: Response) => r.status;', // 6
        'await loose(await fetch(url));', // 7: handed to a function that does not read it
        "import { api } from './helper.js';", // 8
        'expect((await api()).headers.get("x")).toBe("y");', // 9: fetch-like across files
      ].join('\n'),
      'good.test.ts': [
        'expect(await (await fetch(url)).text()).toBe("");',
        'const r = await fetch(url); expect(r.status).toBe(200); await r.body?.cancel();',
        'const j = await fetch(url); const data = await j.json();',
        'fetch(url).then((r) => (r.body?.cancel(), r.ok));',
        'const read = async (r: Response) => { const body = await r; return body.arrayBuffer(); };',
        'await read(await fetch(url));',
        "import { api, statusOf } from './helper.js';",
        'expect(await statusOf(api())).toBe(200);',
        'for (const [response, status] of [[await fetch(url), 200]] as const) await response.text();',
      ].join('\n'),
      'helper.ts': [
        'export const api = () => fetch(url);',
        'export const statusOf = async (response: Promise<Response>) => { const r = await response; await r.body?.cancel(); return r.status; };',
      ].join('\n'),
    });
    expect(findings.sort()).toEqual(['bad.test.ts:1', 'bad.test.ts:2', 'bad.test.ts:3', 'bad.test.ts:5', 'bad.test.ts:7', 'bad.test.ts:9'].sort());
  });

  it('no test under test/ leaves a response body unread', () => {
    const audit = new FetchAudit();
    const files = (readdirSync(TEST_ROOT, { recursive: true }) as string[]).filter((f) => /\.(ts|mts|mjs)$/.test(f) && !f.split(/[\\/]/).some((part) => part === 'node_modules' || part === 'artifacts'));
    for (const file of files) audit.add(join(TEST_ROOT, file));
    const findings = audit.findings().map((f) => `${f.file.slice(TEST_ROOT.length + 1)}:${f.line}: ${f.code}`);
    expect(files.length).toBeGreaterThan(50);
    expect(findings, 'read the body (.text(), .json(), .arrayBuffer()) or cancel it (body.cancel(), or statusOf from test/helpers/responses.ts)').toEqual([]);
  });
});
