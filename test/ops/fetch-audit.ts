/**
 * Finds `fetch` responses whose body is never read or cancelled (an unread streamed body once
 * stalled a request). Static, over the TypeScript syntax tree: a response counts as consumed when
 * some use of it calls `.json()`, `.text()`, `.arrayBuffer()`, `.blob()`, `.formData()`, `.bytes()`
 * or `.body.cancel()`, or hands it to a function that does. A function that returns a response
 * (`const api = () => fetch(...)`) is fetch-like itself: its callers are checked the same way,
 * across files through relative imports.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/** A response that is never consumed. */
export interface FetchFinding {
  file: string;
  line: number;
  code: string;
}

const CONSUME = new Set(['json', 'text', 'arrayBuffer', 'blob', 'formData', 'bytes']);
type Fn = ts.FunctionLikeDeclaration;

interface Source {
  file: string;
  sf: ts.SourceFile;
  /** Functions by local name: declared here, or imported from another source. */
  fns: Map<string, { source: string; name: string }>;
  local: Map<string, Fn>;
}

const unwrap = (node: ts.Node): ts.Node => {
  let at = node;
  while (ts.isAwaitExpression(at.parent) || ts.isParenthesizedExpression(at.parent) || ts.isNonNullExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isSatisfiesExpression(at.parent)) at = at.parent;
  return at;
};

const nameOfFunction = (fn: ts.Node): string | null => {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? null;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) return fn.parent.name.text;
  return null;
};

const enclosingFunction = (node: ts.Node): Fn | null => {
  for (let at = node.parent; at; at = at.parent) if (ts.isFunctionLike(at) && 'body' in at) return at as Fn;
  return null;
};

/** The audit over a set of files. */
export class FetchAudit {
  readonly #sources = new Map<string, Source>();
  // Fetch-like functions, as "file#name".
  readonly #fetchLike = new Set<string>();
  #changed = false;
  readonly #visiting = new Set<ts.Node>();

  /** Adds a file (its text may be given, for tests of the audit itself). */
  add(file: string, text = readFileSync(file, 'utf8')): void {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const local = new Map<string, Fn>();
    const fns = new Map<string, { source: string; name: string }>();
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node) {
        const name = nameOfFunction(node);
        if (name && !local.has(name)) {
          local.set(name, node as Fn);
          fns.set(name, { source: file, name });
        }
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
        const target = resolve(dirname(file), node.moduleSpecifier.text.replace(/\.js$/, '.ts'));
        const named = node.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const el of named.elements) fns.set(el.name.text, { source: target, name: (el.propertyName ?? el.name).text });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    this.#sources.set(file, { file, sf, fns, local });
  }

  /** Every response never consumed, once the fetch-like functions are known. */
  findings(): FetchFinding[] {
    let findings: FetchFinding[] = [];
    do {
      this.#changed = false;
      findings = [];
      for (const source of this.#sources.values()) {
        const visit = (node: ts.Node): void => {
          if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && this.#isFetchLike(source, node.expression.text) && !this.#consumed(source, node)) {
            const { line } = source.sf.getLineAndCharacterOfPosition(node.getStart());
            findings.push({ file: source.file, line: line + 1, code: node.getText().split('\n')[0]!.slice(0, 100) });
          }
          ts.forEachChild(node, visit);
        };
        visit(source.sf);
      }
    } while (this.#changed);
    return findings;
  }

  #isFetchLike(source: Source, name: string): boolean {
    if (name === 'fetch') return !source.fns.has('fetch');
    const fn = source.fns.get(name);
    return fn !== undefined && this.#fetchLike.has(`${fn.source}#${fn.name}`);
  }

  // Whether the response (or promise of one) `expr` evaluates to is consumed by how it is used.
  #consumed(source: Source, expr: ts.Node): boolean {
    const at = unwrap(expr);
    const parent = at.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === at) {
      const name = parent.name.text;
      if (CONSUME.has(name)) return true;
      if (name === 'body') return ts.isPropertyAccessExpression(parent.parent) && parent.parent.name.text === 'cancel';
      if (name === 'then' && ts.isCallExpression(parent.parent)) {
        const callback = parent.parent.arguments[0];
        if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return this.#paramConsumed(source, callback, 0);
        if (callback && ts.isIdentifier(callback)) return this.#calleeConsumes(source, callback.text, 0);
      }
      return false;
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === at && ts.isIdentifier(parent.name)) return this.#nameConsumed(source, parent.name);
    if (ts.isArrayLiteralExpression(parent)) return this.#rowConsumed(source, parent, parent.elements.indexOf(at as ts.Expression));
    if (ts.isCallExpression(parent) && parent.arguments.includes(at as ts.Expression)) {
      return ts.isIdentifier(parent.expression) && this.#calleeConsumes(source, parent.expression.text, parent.arguments.indexOf(at as ts.Expression));
    }
    // Returned: the function is fetch-like, and its callers are checked.
    if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === at)) {
      const fn = ts.isArrowFunction(parent) ? parent : enclosingFunction(parent);
      const name = fn && nameOfFunction(fn);
      if (!name) return false;
      const key = `${source.file}#${name}`;
      if (!this.#fetchLike.has(key)) {
        this.#fetchLike.add(key);
        this.#changed = true;
      }
      return true;
    }
    return false;
  }

  // A table of cases, `for (const [response, status] of [[await fetch(...), 200], ...])`, or a
  // list, `for (const response of [await fetch(...), ...])`: the loop variable is what consumes.
  #rowConsumed(source: Source, array: ts.ArrayLiteralExpression, index: number): boolean {
    const outer = unwrap(array).parent;
    const loop = ts.isArrayLiteralExpression(outer) ? unwrap(outer).parent : outer;
    const table = loop !== outer;
    if (!ts.isForOfStatement(loop) || !ts.isVariableDeclarationList(loop.initializer)) return false;
    const binding = loop.initializer.declarations[0]?.name;
    if (!table) return binding !== undefined && ts.isIdentifier(binding) && this.#nameConsumed(source, binding);
    const element = binding && ts.isArrayBindingPattern(binding) ? binding.elements[index] : undefined;
    return element !== undefined && ts.isBindingElement(element) && ts.isIdentifier(element.name) && this.#nameConsumed(source, element.name);
  }

  #nameConsumed(source: Source, declared: ts.Identifier): boolean {
    const scope = ts.findAncestor(declared.parent, (n) => ts.isBlock(n) || ts.isSourceFile(n) || ts.isFunctionLike(n)) ?? source.sf;
    let consumed = false;
    const visit = (node: ts.Node): void => {
      if (consumed) return;
      if (ts.isIdentifier(node) && node !== declared && node.text === declared.text && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)) {
        if (this.#consumed(source, node)) consumed = true;
      }
      ts.forEachChild(node, visit);
    };
    visit(scope);
    return consumed;
  }

  #paramConsumed(source: Source, fn: Fn, index: number): boolean {
    const param = fn.parameters[index];
    if (param === undefined || !ts.isIdentifier(param.name) || this.#visiting.has(param)) return false;
    // A function that hands its parameter on to itself must not recurse for ever.
    this.#visiting.add(param);
    try {
      return this.#nameConsumed(source, param.name);
    } finally {
      this.#visiting.delete(param);
    }
  }

  #calleeConsumes(source: Source, name: string, index: number): boolean {
    const ref = source.fns.get(name);
    const target = ref && this.#sources.get(ref.source);
    const fn = target?.local.get(ref!.name);
    return fn !== undefined && this.#paramConsumed(target!, fn, index);
  }
}
