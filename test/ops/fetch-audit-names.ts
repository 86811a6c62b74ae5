/**
 * Names for the fetch-body audit (fetch-audit.ts), over the syntax tree alone: which scope declares
 * a name, the uses of one binding (not of a shadowing one) in source order, and what a function or
 * method is called from outside ("get", "Client.get", "client.get").
 */
import ts from 'typescript';

/** A function-like declaration with a body. */
export type Fn = ts.FunctionLikeDeclaration;

/** Steps up through wrappers that leave the value as it is: await, parentheses, `!`, `as`, `satisfies`. */
export const unwrap = (node: ts.Node): ts.Node => {
  let at = node;
  while (ts.isAwaitExpression(at.parent) || ts.isParenthesizedExpression(at.parent) || ts.isNonNullExpression(at.parent) || ts.isAsExpression(at.parent) || ts.isSatisfiesExpression(at.parent)) at = at.parent;
  return at;
};

/** Steps down through the same wrappers. */
export const inner = (node: ts.Expression): ts.Expression => {
  let at = node;
  while (ts.isParenthesizedExpression(at) || ts.isNonNullExpression(at) || ts.isAsExpression(at) || ts.isSatisfiesExpression(at) || ts.isAwaitExpression(at)) at = at.expression;
  return at;
};

const bindsName = (name: ts.BindingName, text: string): boolean =>
  ts.isIdentifier(name) ? name.text === text : name.elements.some((el) => !ts.isOmittedExpression(el) && bindsName(el.name, text));

const listBinds = (list: ts.Node | undefined, text: string): boolean =>
  list !== undefined && ts.isVariableDeclarationList(list) && list.declarations.some((d) => bindsName(d.name, text));

const statementsBind = (statements: readonly ts.Statement[], text: string): boolean =>
  statements.some(
    (s) =>
      (ts.isVariableStatement(s) && listBinds(s.declarationList, text)) ||
      ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name?.text === text),
  );

const isScope = (node: ts.Node): boolean =>
  ts.isBlock(node) || ts.isSourceFile(node) || ts.isCaseBlock(node) || ts.isCatchClause(node) || ts.isFunctionLike(node) || ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node);

// Whether `node`, a scope, declares `text` itself.
const declares = (node: ts.Node, text: string): boolean => {
  if (ts.isBlock(node) || ts.isSourceFile(node)) return statementsBind(node.statements, text);
  if (ts.isCaseBlock(node)) return node.clauses.some((c) => statementsBind(c.statements, text));
  if (ts.isCatchClause(node)) return node.variableDeclaration !== undefined && bindsName(node.variableDeclaration.name, text);
  if (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node)) return listBinds(node.initializer, text);
  if (ts.isFunctionLike(node)) return node.parameters.some((p) => bindsName(p.name, text));
  return false;
};

/** The scope whose binding of `name` this identifier refers to (the file when none declares it). */
export const scopeOf = (name: ts.Identifier): ts.Node =>
  ts.findAncestor(name.parent, (n) => isScope(n) && declares(n, name.text)) ?? name.getSourceFile();

const isAssigned = (node: ts.Identifier): boolean =>
  ts.isBinaryExpression(node.parent) && node.parent.left === node && node.parent.operatorToken.kind === ts.SyntaxKind.EqualsToken;

/**
 * The uses of the binding that `name` (a declaration or an assignment target) gives a value: after
 * it in the source, up to the next assignment of the same binding, not in scopes that shadow it.
 */
export const usesAfter = (name: ts.Identifier): ts.Identifier[] => {
  const scope = scopeOf(name);
  const uses: ts.Identifier[] = [];
  const visit = (node: ts.Node): void => {
    if (node !== scope && isScope(node) && declares(node, name.text)) return;
    if (ts.isIdentifier(node) && node.text === name.text && node !== name) {
      const parent = node.parent;
      const isKey = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isKey) uses.push(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(scope);
  const after = uses.filter((use) => use.getStart() > name.getStart()).sort((a, b) => a.getStart() - b.getStart());
  const next = after.findIndex(isAssigned);
  return next === -1 ? after : after.slice(0, next);
};

const ownerName = (node: ts.Node): string | null => {
  if ((ts.isClassDeclaration(node) || ts.isClassExpression(node)) && node.name) return node.name.text;
  const at = unwrap(node).parent;
  if ((ts.isObjectLiteralExpression(node) || ts.isClassExpression(node)) && ts.isVariableDeclaration(at) && ts.isIdentifier(at.name)) return at.name.text;
  return null;
};

const memberName = (name: ts.PropertyName | undefined): string | null =>
  name && (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) ? name.text : null;

/** What a function is called by from outside: `f`, or `Owner.member` for a method of a class or object. */
export const nameOfFunction = (fn: ts.Node): string | null => {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text ?? null;
  const holder = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) ? unwrap(fn).parent : fn;
  if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
  if (ts.isMethodDeclaration(holder) || ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) {
    const owner = ownerName(holder.parent);
    const member = memberName(holder.name);
    return owner && member ? `${owner}.${member}` : null;
  }
  return null;
};

/** The function, method or class around a node. */
export const enclosing = <T extends ts.Node>(node: ts.Node, test: (n: ts.Node) => n is T): T | null => {
  for (let at = node.parent; at; at = at.parent) if (test(at)) return at;
  return null;
};

/** A function-like node that has a body. */
export const isFn = (node: ts.Node): node is Fn => ts.isFunctionLike(node) && 'body' in node && node.body !== undefined;
