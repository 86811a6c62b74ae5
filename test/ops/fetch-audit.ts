/**
 * Finds `fetch` responses whose body is never read or cancelled (an unread streamed body once
 * stalled a request). Static, over the TypeScript syntax tree: a response counts as consumed when
 * a use of it calls `.json()`, `.text()`, `.arrayBuffer()`, `.blob()`, `.formData()`, `.bytes()`,
 * cancels or reads its body (`.body.cancel()`, `.body.getReader()`, `for await (… of r.body)`), or
 * hands it to a function that does. A function or method that returns a response is fetch-like
 * itself: its callers are checked the same way, across files through relative imports. Patterns it
 * cannot follow count as unread: a false alarm asks for a plainer test, a miss hides a stall.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';
import { enclosing, inner, isFn, nameOfFunction, unwrap, usesAfter, type Fn } from './fetch-audit-names.js';

/** A response that is never consumed. */
export interface FetchFinding {
  file: string;
  line: number;
  code: string;
}

const CONSUME = new Set(['json', 'text', 'arrayBuffer', 'blob', 'formData', 'bytes']);
const BODY_READ = new Set(['cancel', 'getReader', 'pipeTo', 'pipeThrough']);
// Globals whose `fetch` is the fetch.
const GLOBALS = new Set(['globalThis', 'window', 'self']);

/** A function, method, class or object by the file that declares it and its name there. */
interface Ref {
  source: string;
  name: string;
}
type Callee = Ref | 'fetch' | null;

interface Source {
  file: string;
  sf: ts.SourceFile;
  /** Functions, classes and objects by local name: declared here, or imported from another source. */
  refs: Map<string, Ref>;
  /** `import * as name`: the file. */
  namespaces: Map<string, string>;
  /** `const name = other` or `const name = new Class()`: the initializer. */
  aliases: Map<string, ts.Expression>;
  /** Functions and methods declared here, by name ("f", "Class.method", "object.method"). */
  local: Map<string, Fn>;
}

const importTarget = (file: string, specifier: string): string => resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));

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
    const source: Source = { file, sf, refs: new Map(), namespaces: new Map(), aliases: new Map(), local: new Map() };
    const visit = (node: ts.Node): void => {
      if (isFn(node)) {
        const name = nameOfFunction(node);
        if (name && !source.local.has(name)) source.local.set(name, node);
        if (name && !name.includes('.') && !source.refs.has(name)) source.refs.set(name, { source: file, name });
      }
      if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) source.refs.set(node.name.text, { source: file, name: node.name.text });
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
        const value = inner(node.initializer);
        if (ts.isObjectLiteralExpression(value) || ts.isClassExpression(value)) source.refs.set(node.name.text, { source: file, name: node.name.text });
        else if (ts.isIdentifier(value) || ts.isPropertyAccessExpression(value) || ts.isNewExpression(value)) source.aliases.set(node.name.text, value);
      }
      if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.')) {
        const target = importTarget(file, node.moduleSpecifier.text);
        const named = node.importClause?.namedBindings;
        if (named && ts.isNamedImports(named)) for (const el of named.elements) source.refs.set(el.name.text, { source: target, name: (el.propertyName ?? el.name).text });
        if (named && ts.isNamespaceImport(named)) source.namespaces.set(named.name.text, target);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
    this.#sources.set(file, source);
  }

  /** Every response never consumed, once the fetch-like functions are known. */
  findings(): FetchFinding[] {
    let findings: FetchFinding[] = [];
    do {
      this.#changed = false;
      findings = [];
      for (const source of this.#sources.values()) {
        const visit = (node: ts.Node): void => {
          if (ts.isCallExpression(node) && this.#isFetchLike(this.#callee(source, node.expression)) && !this.#consumed(source, node)) {
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

  #isFetchLike(callee: Callee): boolean {
    return callee === 'fetch' || (callee !== null && this.#fetchLike.has(`${callee.source}#${callee.name}`));
  }

  // What a call's callee names: the global fetch, a function or method we know, or nothing we know.
  #callee(source: Source, expr: ts.Expression, depth = 0): Callee {
    const at = inner(expr);
    if (depth > 8) return null;
    if (ts.isIdentifier(at)) {
      const alias = source.aliases.get(at.text);
      if (alias) return this.#callee(source, alias, depth + 1);
      if (at.text === 'fetch') return source.refs.has('fetch') ? source.refs.get('fetch')! : 'fetch';
      return source.refs.get(at.text) ?? null;
    }
    if (!ts.isPropertyAccessExpression(at)) return null;
    const member = at.name.text;
    const owner = inner(at.expression);
    if (ts.isIdentifier(owner) && GLOBALS.has(owner.text) && member === 'fetch') return 'fetch';
    if (ts.isIdentifier(owner) && source.namespaces.has(owner.text)) return { source: source.namespaces.get(owner.text)!, name: member };
    const of = this.#owner(source, owner, depth);
    return of && { source: of.source, name: `${of.name}.${member}` };
  }

  // The class or object that a method's receiver is: `this`, `new C()`, `c` with `const c = new C()`, `obj`.
  #owner(source: Source, expr: ts.Expression, depth: number): Ref | null {
    if (expr.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = enclosing(expr, (n): n is ts.ClassLikeDeclaration => ts.isClassDeclaration(n) || ts.isClassExpression(n));
      return cls?.name ? { source: source.file, name: cls.name.text } : null;
    }
    if (ts.isNewExpression(expr)) return this.#owner(source, inner(expr.expression), depth + 1);
    if (!ts.isIdentifier(expr) || depth > 8) return null;
    const alias = source.aliases.get(expr.text);
    if (alias) return this.#owner(source, inner(alias), depth + 1);
    return source.refs.get(expr.text) ?? null;
  }

  // Whether the response (or promise of one) `expr` evaluates to is consumed by how it is used.
  #consumed(source: Source, expr: ts.Node): boolean {
    const at = unwrap(expr);
    const parent = at.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === at) {
      const name = parent.name.text;
      if (CONSUME.has(name)) return true;
      if (name === 'body') return this.#bodyRead(parent);
      const call = parent.parent;
      if (!ts.isCallExpression(call) || call.expression !== parent) return false;
      // A promise: what its `.catch()` or `.finally()` gives is the response, or nothing.
      if (name === 'catch' || name === 'finally') return this.#consumed(source, call);
      if (name === 'then') {
        const callback = call.arguments[0] && inner(call.arguments[0]);
        if (callback && (ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return this.#paramConsumed(source, callback, 0);
        if (callback) return this.#calleeConsumes(source, callback, 0);
      }
      return false;
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === at && ts.isIdentifier(parent.name)) return this.#nameConsumed(source, parent.name);
    if (ts.isBinaryExpression(parent) && parent.right === at && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(parent.left)) return this.#nameConsumed(source, parent.left);
    if (ts.isArrayLiteralExpression(parent)) return this.#rowConsumed(source, parent, parent.elements.indexOf(at as ts.Expression));
    if (ts.isCallExpression(parent) && parent.arguments.includes(at as ts.Expression)) return this.#calleeConsumes(source, parent.expression, parent.arguments.indexOf(at as ts.Expression));
    // Returned: the function is fetch-like, and its callers are checked.
    if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === at)) {
      const fn = ts.isArrowFunction(parent) ? parent : enclosing(parent, isFn);
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

  // `response.body` (or `response.body!`) cancelled, or read through a reader, a pipe or `for await`.
  #bodyRead(body: ts.PropertyAccessExpression): boolean {
    const at = unwrap(body);
    const parent = at.parent;
    if (ts.isPropertyAccessExpression(parent) && parent.expression === at) return BODY_READ.has(parent.name.text);
    return ts.isForOfStatement(parent) && parent.awaitModifier !== undefined && parent.expression === at;
  }

  // A list in `Promise.all([...])` destructured, `const [a, b] = await Promise.all([fetch(…), …])`;
  // a table of cases, `for (const [response, status] of [[await fetch(...), 200], ...])`; or a
  // list, `for (const response of [await fetch(...), ...])`: the name each lands in is what consumes.
  #rowConsumed(source: Source, array: ts.ArrayLiteralExpression, index: number): boolean {
    const outer = unwrap(array).parent;
    if (ts.isCallExpression(outer) && outer.arguments[0] === unwrap(array) && outer.expression.getText() === 'Promise.all') {
      const target = unwrap(outer).parent;
      return ts.isVariableDeclaration(target) && this.#elementConsumed(source, target.name, index);
    }
    const loop = ts.isArrayLiteralExpression(outer) ? unwrap(outer).parent : outer;
    const table = loop !== outer;
    if (!ts.isForOfStatement(loop) || !ts.isVariableDeclarationList(loop.initializer)) return false;
    const binding = loop.initializer.declarations[0]?.name;
    if (!table) return binding !== undefined && ts.isIdentifier(binding) && this.#nameConsumed(source, binding);
    return binding !== undefined && this.#elementConsumed(source, binding, index);
  }

  #elementConsumed(source: Source, binding: ts.BindingName, index: number): boolean {
    const element = ts.isArrayBindingPattern(binding) ? binding.elements[index] : undefined;
    return element !== undefined && ts.isBindingElement(element) && !element.dotDotDotToken && ts.isIdentifier(element.name) && this.#nameConsumed(source, element.name);
  }

  // A declared or assigned name: some use of that binding, before it is assigned again, consumes.
  #nameConsumed(source: Source, declared: ts.Identifier): boolean {
    return usesAfter(declared).some((use) => this.#consumed(source, use));
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

  #calleeConsumes(source: Source, callee: ts.Expression, index: number): boolean {
    const ref = this.#callee(source, callee);
    const target = ref && ref !== 'fetch' ? this.#sources.get(ref.source) : undefined;
    const fn = target?.local.get((ref as Ref).name);
    return fn !== undefined && this.#paramConsumed(target!, fn, index);
  }
}
