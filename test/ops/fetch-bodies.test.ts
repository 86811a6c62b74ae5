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

  it('the audit follows globals, namespaces, aliases, methods and shadowed names to an unread response', () => {
    const findings = auditOf({
      'miss.test.ts': [
        'expect((await globalThis.fetch(url)).status).toBe(200);', // 1: fetch through a global object
        "import * as h from './helper.js';", // 2
        'expect((await h.api()).status).toBe(200);', // 3: a helper through a namespace import
        'const r = await fetch(a); expect(r.status).toBe(200); { const r = await fetch(b); await r.text(); }', // 4: the outer r is another binding
        'const client = { get: (u: string) => fetch(u) }; expect((await client.get(a)).status).toBe(200);', // 5: an object's method
        'const f2 = fetch; expect((await f2(a)).status).toBe(200);', // 6: an alias of fetch
        'let s = await fetch(a); s = await fetch(b); await s.text();', // 7: the first response is overwritten unread
        'class Api { get() { return fetch(a); } } const api = new Api(); expect((await api.get()).ok).toBe(true);', // 8: a class's method
        'const [x, y] = await Promise.all([fetch(a), fetch(b)]); await x.text(); expect(y.ok).toBe(true);', // 9: y is unread
        'const t = await fetch(a); const keep = t; expect(keep.status).toBe(200);', // 10: a copy never read
        'const w = await window.fetch(a).catch(() => null); expect(w?.ok).toBe(true);', // 11
        'const v = await fetch(a); await v.body?.tee();', // 12: tee()d branches are not read
      ].join('\n'),
      'good.test.ts': [
        'const [x, y] = await Promise.all([fetch(a), fetch(b)]); await x.text(); await y.text();',
        'let r = await fetch(a); await r.text(); r = await fetch(b); await r.text();',
        'const s = await fetch(a); await s.body!.cancel();',
        'const t = await fetch(a); for await (const c of t.body!) void c;',
        'const u = await fetch(a); const reader = u.body!.getReader(); await reader.cancel();',
        'const v = await fetch(a).catch(() => null); await v?.text();',
        'class C { async get() { return fetch(a); } } ; await (await new C().get()).text();',
        'const w = await fetch(a); const copy = w; await copy.text();',
        "import * as h from './helper.js';",
        'await (await h.api()).json();',
        'const f2 = globalThis.fetch; await (await f2(a)).arrayBuffer();',
        'const client = { async get(u: string) { return fetch(u); } }; await (await client.get(a)).blob();',
        'class D { read() { return this.get(); } get() { return fetch(a); } } ; await (await new D().read()).text();',
        'await fetch(a).finally(() => undefined).then((q) => q.body?.cancel());',
      ].join('\n'),
      'helper.ts': 'export const api = () => fetch(url);',
    });
    expect(findings.sort()).toEqual(['miss.test.ts:1', 'miss.test.ts:3', 'miss.test.ts:4', 'miss.test.ts:5', 'miss.test.ts:6', 'miss.test.ts:7', 'miss.test.ts:8', 'miss.test.ts:9', 'miss.test.ts:10', 'miss.test.ts:11', 'miss.test.ts:12'].sort());
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
