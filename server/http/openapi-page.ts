/**
 * `/api/docs`: the OpenAPI document as one readable HTML page, rendered on the server with no
 * script at all, so the strict CSP (server/app.ts) holds as it is: the page needs nothing but an
 * inline <style>, which the CSP allows. Schemas and examples are folded in <details> elements.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];

const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// `code` spans become <code>; everything else is escaped text.
const prose = (text: unknown): string =>
  typeof text !== 'string' || text === ''
    ? ''
    : text
        .split(/\n{2,}/)
        .map((para) => `<p>${esc(para).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>`)
        .join('');

const anchor = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const folded = (label: string, value: unknown): string =>
  value === undefined ? '' : `<details><summary>${esc(label)}</summary><pre>${esc(typeof value === 'string' ? value : JSON.stringify(value, null, 2))}</pre></details>`;

// The example of a media object: its own, or the schema's first.
const exampleOf = (media: Json): unknown => media.example ?? (Array.isArray(obj(media.schema).examples) ? (obj(media.schema).examples as unknown[])[0] : undefined);

const contentOf = (content: unknown): string =>
  Object.entries(obj(content))
    .map(([type, media]) => `<div class="media"><code>${esc(type)}</code>${folded('schema', obj(media).schema)}${folded('example', exampleOf(obj(media)))}</div>`)
    .join('');

const securityOf = (security: unknown): string => {
  if (!Array.isArray(security) || security.length === 0) return '<p class="muted">No credentials needed.</p>';
  const options = security.map((requirement: Json) => {
    const parts = Object.entries(requirement).map(([name, roles]) => `<code>${esc(name)}</code>${Array.isArray(roles) && roles.length ? ` (${esc(roles.join(', '))})` : ''}`);
    return parts.length ? parts.join(' + ') : 'none (when the server has no such token)';
  });
  return `<p>Credentials, any one of: ${options.join('; ')}</p>`;
};

const parametersOf = (parameters: unknown): string => {
  if (!Array.isArray(parameters) || parameters.length === 0) return '';
  const rows = parameters.map(
    (p: Json) =>
      `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td><code>${esc(JSON.stringify(p.schema ?? {}))}</code></td><td>${prose(p.description ?? obj(p.schema).description)}</td></tr>`,
  );
  return `<table><thead><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

const responsesOf = (responses: unknown): string => {
  const rows = Object.entries(obj(responses)).map(
    ([status, response]) => `<tr><td><code>${esc(status)}</code></td><td>${prose(obj(response).description)}${contentOf(obj(response).content)}</td></tr>`,
  );
  return `<table class="responses"><thead><tr><th>status</th><th>answer</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
};

interface Operation {
  method: string;
  path: string;
  op: Json;
}

const operationOf = ({ method, path, op }: Operation): string => {
  const body = obj(op.requestBody);
  return `<article id="${esc(anchor(`${method} ${path}`))}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code> ${esc(op.summary ?? '')}</h3>
${prose(op.description)}${securityOf(op.security)}${parametersOf(op.parameters)}
${op.requestBody ? `<h4>Request body</h4>${prose(body.description)}${contentOf(body.content)}` : ''}
<h4>Responses</h4>${responsesOf(op.responses)}
</article>`;
};

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:62rem;margin:0 auto;padding:1rem 1.5rem;color:#1f2328}
code,pre{font:13px ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto;max-height:30rem;white-space:pre-wrap;overflow-wrap:anywhere}
article{border-top:1px solid #d0d7de;padding:.5rem 0}h3{font-size:1.05rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}td code{overflow-wrap:anywhere}.responses{table-layout:fixed}.responses th:first-child{width:4.5rem}.muted{color:#59636e}
.method{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;background:#59636e;font-size:.8rem;padding:.1rem .3rem}
.get{background:#0969da}.post{background:#1a7f37}.delete{background:#cf222e}.head{background:#8250df}.media{margin:.25rem 0}`;

/** The whole page for an OpenAPI document. */
export const renderApiPage = (doc: Json): string => {
  const info = obj(doc.info);
  const operations: Operation[] = Object.entries(obj(doc.paths)).flatMap(([path, item]) =>
    METHODS.filter((method) => obj(item)[method]).map((method) => ({ method, path, op: obj(obj(item)[method]) })),
  );
  const tagOf = (op: Json): string => (Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'other');
  const declared = (Array.isArray(doc.tags) ? doc.tags : []).map((tag: Json) => ({ name: String(tag.name), description: tag.description }));
  const extra = [...new Set(operations.map((o) => tagOf(o.op)))].filter((name) => !declared.some((tag) => tag.name === name)).map((name) => ({ name, description: undefined }));
  const groups = [...declared, ...extra]
    .map((tag) => ({ ...tag, ops: operations.filter((o) => tagOf(o.op) === tag.name) }))
    .filter((group) => group.ops.length > 0);
  const schemes = Object.entries(obj(obj(doc.components).securitySchemes)).map(
    ([name, scheme]) => `<tr><td><code>${esc(name)}</code></td><td>${esc(obj(scheme).type)} ${esc(obj(scheme).scheme ?? `${obj(scheme).in} ${obj(scheme).name}`)}</td><td>${prose(obj(scheme).description)}</td></tr>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} API</title><style>${STYLE}</style></head><body>
<h1>${esc(info.title)} API <small class="muted">${esc(info.version)} · OpenAPI ${esc(doc.openapi)}</small></h1>
${prose(info.description)}<p>The machine-readable description: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<nav><ul>${groups.map((g) => `<li><a href="#tag-${esc(anchor(g.name))}">${esc(g.name)}</a> (${g.ops.length})</li>`).join('')}</ul></nav>
<h2>Credentials</h2><table><thead><tr><th>scheme</th><th>how</th><th>what</th></tr></thead><tbody>${schemes.join('')}</tbody></table>
${groups.map((g) => `<section id="tag-${esc(anchor(g.name))}"><h2>${esc(g.name)}</h2>${prose(g.description)}${g.ops.map(operationOf).join('\n')}</section>`).join('\n')}
</body></html>
`;
};
