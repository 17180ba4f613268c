// Prints the top-level statements adc emits directly in prettier's style (the options of
// format.ts: printWidth 120, trailingComma "all", 2 spaces, double quotes), without prettier:
// formatting 15,000 lines of output took prettier seconds (parsing them again, building its doc,
// fitting it), most of the CLI's time. prettyStatement() covers the forms adc emits, and prints
// them flat wherever they fit in the line, as prettier does; a function's parameters one per line
// when its signature does not fit. Anything else (a line that does not fit elsewhere, a node kind
// or comment it does not know, a case where prettier would not print flat text) throws
// Unsupported, and that statement goes to prettier: the output is the same either way, and
// test/pretty.test.ts checks it statement by statement.
import ts from "typescript";

const WIDTH = 120;
const SK = ts.SyntaxKind;
// TypeScript's functions bound once: a lookup on its module object (thousands of exports) at every
// node cost more than the test itself
const {
  isArrayLiteralExpression,
  isArrowFunction,
  isAsExpression,
  isBinaryExpression,
  isBlock,
  isCallExpression,
  isConditionalExpression,
  isElementAccessExpression,
  isFunctionExpression,
  isIdentifier,
  isIfStatement,
  isNamedTupleMember,
  isNamespaceImport,
  isNewExpression,
  isNonNullExpression,
  isNumericLiteral,
  isObjectLiteralExpression,
  isOmittedExpression,
  isOptionalTypeNode,
  isParenthesizedExpression,
  isPostfixUnaryExpression,
  isPrefixUnaryExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isPropertySignature,
  isRestTypeNode,
  isShorthandPropertyAssignment,
  isSpreadElement,
  isStringLiteral,
  isVariableDeclarationList,
} = ts;
type Commented = { emitNode?: { leadingComments?: ts.SynthesizedComment[]; trailingComments?: ts.SynthesizedComment[] } };
/** ts.getSyntheticLeadingComments / ts.getSyntheticTrailingComments, which read these fields. */
const leadingOf = (node: ts.Node) => (node as Commented).emitNode?.leadingComments;
const trailingOf = (node: ts.Node) => (node as Commented).emitNode?.trailingComments;

export class Unsupported extends Error {}

function unsupported(what: string): never {
  throw new Unsupported(what);
}

/** The statement as prettier formats it (no final newline), or undefined when prettier must do it. */
export function prettyStatement(st: ts.Statement, onUnsupported?: (why: string) => void): string | undefined {
  try {
    const out: string[] = [];
    statement(st, 0, out);
    return out.join("\n");
  } catch (e) {
    if (e instanceof Unsupported) {
      onUnsupported?.(e.message);
      return undefined;
    }
    throw e;
  }
}

// ---- statements --------------------------------------------------------------------------

const pad = (depth: number) => "  ".repeat(depth);

/** A line of code (not a comment): it must fit, or prettier would break it somewhere. */
function line(depth: number, text: string, out: string[]): void {
  const s = pad(depth) + text;
  if (s.length > WIDTH || !/^[\x20-\x7e]*$/.test(s)) unsupported("a line that does not fit");
  out.push(s);
}

function leadingComments(node: ts.Node, depth: number, out: string[]): void {
  for (const c of leadingOf(node) ?? []) {
    if (!c.hasTrailingNewLine || /[\r\n\u2028\u2029]/.test(c.text)) unsupported("a comment in a line");
    out.push(pad(depth) + (c.kind === SK.SingleLineCommentTrivia ? `//${c.text}`.trimEnd() : `/*${c.text}*/`));
  }
}

/** Only statements carry comments here: prettier moves comments inside expressions around. */
function noComments(node: ts.Node): void {
  if (leadingOf(node)?.length || trailingOf(node)?.length) unsupported("a comment");
}

function statement(st: ts.Statement, depth: number, out: string[]): void {
  if (trailingOf(st)?.length) unsupported("a trailing comment");
  leadingComments(st, depth, out);
  switch (st.kind) {
    case SK.VariableStatement: {
      const v = st as ts.VariableStatement;
      line(depth, `${modifiers(v)}${declarationList(v.declarationList)};`, out);
      return;
    }
    case SK.ExpressionStatement: {
      const e = skipParens((st as ts.ExpressionStatement).expression);
      // a statement that starts with `{`, `function`, `class`, `let[` would need parentheses
      const first = leftmost(e);
      if (isObjectLiteralExpression(first) || isFunctionExpression(first) || isStringLiteral(first))
        unsupported("a parenthesized statement or a directive");
      line(depth, `${isBinaryExpression(e) && isAssignment(e.operatorToken.kind) ? assignment(e) : expr(e)};`, out);
      return;
    }
    case SK.ReturnStatement: {
      const r = st as ts.ReturnStatement;
      line(depth, r.expression ? `return ${expr(r.expression)};` : "return;", out);
      return;
    }
    case SK.ThrowStatement:
      line(depth, `throw ${expr((st as ts.ThrowStatement).expression)};`, out);
      return;
    case SK.BreakStatement:
    case SK.ContinueStatement: {
      if ((st as ts.BreakOrContinueStatement).label) unsupported("a label");
      line(depth, st.kind === SK.BreakStatement ? "break;" : "continue;", out);
      return;
    }
    case SK.Block:
      block(st as ts.Block, depth, "", out, "statement");
      return;
    case SK.IfStatement:
      ifStatement(st as ts.IfStatement, depth, "", out);
      return;
    case SK.WhileStatement: {
      const w = st as ts.WhileStatement;
      block(body(w.statement), depth, `while (${expr(w.expression)}) `, out, "body");
      return;
    }
    case SK.ForStatement: {
      const fo = st as ts.ForStatement;
      const init = !fo.initializer
        ? ""
        : isVariableDeclarationList(fo.initializer)
          ? declarationList(fo.initializer)
          : expr(fo.initializer);
      const cond = fo.condition ? ` ${expr(fo.condition)}` : "";
      const incr = fo.incrementor ? ` ${expr(fo.incrementor)}` : "";
      const head = !fo.initializer && !fo.condition && !fo.incrementor ? "for (;;) " : `for (${init};${cond};${incr}) `;
      block(body(fo.statement), depth, head, out, "body");
      return;
    }
    case SK.FunctionDeclaration:
      functionDeclaration(st as ts.FunctionDeclaration, depth, out);
      return;
    case SK.ImportDeclaration:
      line(depth, importDeclaration(st as ts.ImportDeclaration), out);
      return;
    default:
      unsupported(SK[st.kind]);
  }
}

function body(st: ts.Statement): ts.Block {
  return isBlock(st) ? st : unsupported("a body without braces");
}

/** `<head>{ … }`: statements one per line, indented; `{}` when empty, but only as a function's or a loop's body (prettier writes other empty blocks over two lines). */
function block(b: ts.Block, depth: number, head: string, out: string[], kind: "body" | "branch" | "statement"): void {
  if (kind !== "statement") noComments(b); // a body's comments (a block statement's are printed before it)
  if (b.statements.length === 0) {
    if (kind !== "body") unsupported("an empty block");
    line(depth, `${head}{}`, out);
    return;
  }
  line(depth, `${head}{`, out);
  for (const st of b.statements) statement(st, depth + 1, out);
  out.push(`${pad(depth)}}`);
}

/** `if (c) {…} else if (d) {…} else {…}`, and `if (c) statement;` on one line. */
function ifStatement(st: ts.IfStatement, depth: number, prefix: string, out: string[]): void {
  const head = `${prefix}if (${expr(st.expression)}) `;
  if (!isBlock(st.thenStatement)) {
    if (st.elseStatement || leadingOf(st.thenStatement)?.length) unsupported("an if without braces");
    const inner: string[] = [];
    statement(st.thenStatement, 0, inner);
    if (inner.length !== 1) unsupported("an if without braces");
    line(depth, head + inner[0], out);
    return;
  }
  block(st.thenStatement, depth, head, out, "branch");
  const elseSt = st.elseStatement;
  if (!elseSt) return;
  const close = out.pop()!; // "}" of the then branch: the else continues its line
  if (leadingOf(elseSt)?.length) unsupported("a comment before else");
  if (isIfStatement(elseSt)) {
    ifStatement(elseSt, depth, `${close.trimStart()} else `, out);
    return;
  }
  block(body(elseSt), depth, `${close.trimStart()} else `, out, "branch");
}

function modifiers(node: ts.HasModifiers): string {
  let s = "";
  for (const m of ts.getModifiers(node) ?? []) {
    if (m.kind !== SK.ExportKeyword) unsupported("a modifier");
    s += "export ";
  }
  return s;
}

function declarationList(list: ts.VariableDeclarationList): string {
  if (list.declarations.length !== 1) unsupported("several declarations");
  const keyword = list.flags & ts.NodeFlags.Const ? "const" : list.flags & ts.NodeFlags.Let ? "let" : "var";
  const d = list.declarations[0];
  noComments(d);
  if (d.exclamationToken) unsupported("a definite assignment");
  const type = d.type ? `: ${typeText(d.type)}` : "";
  return `${keyword} ${identifier(d.name)}${type}${d.initializer ? ` = ${rhs(d.initializer)}` : ""}`;
}

function functionDeclaration(fn: ts.FunctionDeclaration, depth: number, out: string[]): void {
  if (fn.asteriskToken || fn.typeParameters || !fn.name || !fn.body) unsupported("a kind of function");
  const head = `${modifiers(fn)}function ${identifier(fn.name)}(`;
  const params = fn.parameters.map(parameter);
  const ret = fn.type ? `: ${typeText(fn.type)}` : "";
  const flat = `${head}${params.join(", ")})${ret} {`;
  const tail = fn.body.statements.length === 0 ? "}" : "";
  if (pad(depth).length + flat.length + tail.length <= WIDTH) {
    block(fn.body, depth, `${head}${params.join(", ")})${ret} `, out, "body");
    return;
  }
  // prettier: one parameter per line, with a trailing comma (a lone parameter it may hug instead)
  if (params.length < 2) unsupported("a long signature with one parameter");
  line(depth, head, out);
  for (const p of params) line(depth + 1, `${p},`, out);
  block(fn.body, depth, `)${ret} `, out, "body");
}

function parameter(p: ts.ParameterDeclaration): string {
  noComments(p);
  if (p.dotDotDotToken || ts.getModifiers(p)?.length) unsupported("a kind of parameter");
  const type = p.type ? `: ${typeText(p.type)}` : "";
  return `${identifier(p.name)}${p.questionToken ? "?" : ""}${type}${p.initializer ? ` = ${rhs(p.initializer)}` : ""}`;
}

function importDeclaration(d: ts.ImportDeclaration): string {
  const clause = d.importClause;
  if (!clause || clause.isTypeOnly || clause.name || !clause.namedBindings || d.attributes) unsupported("a kind of import");
  const from = ` from ${stringLiteral(d.moduleSpecifier)};`;
  const b = clause.namedBindings;
  if (isNamespaceImport(b)) return `import * as ${identifier(b.name)}${from}`;
  if (b.elements.length === 0) unsupported("an empty import");
  const names = b.elements.map((el) => {
    if (el.isTypeOnly) unsupported("a type-only import");
    return el.propertyName ? `${identifier(el.propertyName)} as ${identifier(el.name)}` : identifier(el.name);
  });
  return `import { ${names.join(", ")} }${from}`;
}

// ---- expressions ------------------------------------------------------------------------

function skipParens(e: ts.Expression): ts.Expression {
  while (isParenthesizedExpression(e)) {
    noComments(e);
    e = e.expression;
  }
  return e;
}

function leftmost(e: ts.Expression): ts.Expression {
  for (;;) {
    e = skipParens(e);
    if (isBinaryExpression(e)) e = e.left;
    else if (isCallExpression(e) || isPropertyAccessExpression(e) || isElementAccessExpression(e) || isNonNullExpression(e))
      e = e.expression;
    else if (isAsExpression(e) || isConditionalExpression(e)) e = isAsExpression(e) ? e.expression : e.condition;
    else if (isPostfixUnaryExpression(e)) e = e.operand;
    else return e;
  }
}

function identifier(n: ts.Node): string {
  if (!isIdentifier(n) || !/^[A-Za-z_$][\w$]*$/.test(n.text)) unsupported("a name");
  noComments(n);
  return n.text;
}

function stringLiteral(n: ts.Node): string {
  if (!isStringLiteral(n) || !/^[\x20-\x7e]*$/.test(n.text) || /["\\]/.test(n.text)) unsupported("a string");
  return `"${n.text}"`;
}

/** prettier's printNumber: lower case, no redundant zeros, `+` or dot. */
export function printNumber(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)/, "$1$2$3")
    .replace(/^([+-]?[\d.]+)e[+-]?0+$/, "$1")
    .replace(/^([+-])?\./, "$10.")
    .replace(/(\.\d+?)0+(?=e|$)/, "$1")
    .replace(/\.(?=e|$)/, "");
}

function isAssignment(op: ts.SyntaxKind): boolean {
  return op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment;
}

/** `x = …`, `dx += …`: only as a statement (elsewhere prettier parenthesizes or chains them). */
function assignment(e: ts.BinaryExpression): string {
  noComments(e);
  return `${operand(e.left, e, "left")} ${ts.tokenToString(e.operatorToken.kind)} ${rhs(e.right)}`;
}

/** The right-hand side of `=` (a declaration's, a parameter's default, an assignment's). */
function rhs(e: ts.Expression): string {
  const x = skipParens(e);
  if (isBinaryExpression(x) && isAssignment(x.operatorToken.kind)) unsupported("a chained assignment");
  return expr(x);
}

const PRECEDENCE: Record<string, number> = {};
[
  ["??"],
  ["||"],
  ["&&"],
  ["|"],
  ["^"],
  ["&"],
  ["==", "===", "!=", "!=="],
  ["<", ">", "<=", ">=", "in", "instanceof"],
  [">>", "<<", ">>>"],
  ["+", "-"],
  ["*", "/", "%"],
  ["**"],
].forEach((ops, k) => ops.forEach((op) => (PRECEDENCE[op] = k)));
const MULTIPLICATIVE = new Set(["*", "/", "%"]);
const BITWISE = new Set([">>", "<<", ">>>", "&", "|", "^"]);
const EQUALITY = new Set(["==", "===", "!=", "!=="]);
const LOGICAL = new Set(["&&", "||", "??"]);

/** prettier's shouldFlatten: `a * b * c` needs no parentheses, `(a * b) / c` gets them. */
function flattens(parentOp: string, op: string): boolean {
  if (PRECEDENCE[op] !== PRECEDENCE[parentOp]) return false;
  if (parentOp === "**") return false;
  if (EQUALITY.has(parentOp) && EQUALITY.has(op)) return false;
  if ((op === "%" && MULTIPLICATIVE.has(parentOp)) || (parentOp === "%" && MULTIPLICATIVE.has(op))) return false;
  if (op !== parentOp && MULTIPLICATIVE.has(op) && MULTIPLICATIVE.has(parentOp)) return false;
  if (BITWISE.has(parentOp) && BITWISE.has(op) && op !== parentOp && PRECEDENCE[op] === PRECEDENCE[">>"]) return false;
  return true;
}

function binaryOperator(e: ts.BinaryExpression): string {
  const op = ts.tokenToString(e.operatorToken.kind);
  if (!op || PRECEDENCE[op] === undefined) unsupported("an operator");
  return op;
}

type Key = "left" | "right" | "operand" | "object" | "callee" | "argument" | "test" | "consequent" | "alternate" | "body";

/** A sub-expression, parenthesized where prettier puts parentheses. */
function operand(child: ts.Expression, parent: ts.Expression, key: Key): string {
  const c = skipParens(child);
  const text = expr(c);
  return needsParens(c, parent, key) ? `(${text})` : text;
}

function needsParens(c: ts.Expression, parent: ts.Expression, key: Key): boolean {
  const accessLike = key === "object" || key === "callee";
  if (isBinaryExpression(c)) {
    const op = ts.tokenToString(c.operatorToken.kind)!;
    if (isAssignment(c.operatorToken.kind))
      return !(isBinaryExpression(parent) && isAssignment(parent.operatorToken.kind) && key === "left");
    if (isBinaryExpression(parent) && !isAssignment(parent.operatorToken.kind)) {
      const po = binaryOperator(parent);
      const pp = PRECEDENCE[po];
      const np = PRECEDENCE[binaryOperator(c)];
      if (LOGICAL.has(po) && LOGICAL.has(op)) return po !== op;
      if (pp > np) return true;
      if (key === "right" && pp === np) return true;
      if (pp === np && !flattens(po, op)) return true;
      if (pp < np && op === "%") return po === "+" || po === "-";
      return BITWISE.has(po);
    }
    return (
      accessLike ||
      isPrefixUnaryExpression(parent) ||
      isPostfixUnaryExpression(parent) ||
      isAsExpression(parent) ||
      isNonNullExpression(parent)
    );
  }
  if (isConditionalExpression(c)) {
    if (isConditionalExpression(parent)) return key !== "alternate";
    return key !== "argument" && !(isBinaryExpression(parent) && isAssignment(parent.operatorToken.kind));
  }
  if (isPrefixUnaryExpression(c)) {
    if (isPrefixUnaryExpression(parent)) {
      const same = c.operator === parent.operator && (c.operator === SK.PlusToken || c.operator === SK.MinusToken);
      if (c.operator === SK.PlusPlusToken || c.operator === SK.MinusMinusToken) unsupported("nested update");
      return same;
    }
    if (isBinaryExpression(parent) && parent.operatorToken.kind === SK.AsteriskAsteriskToken) return key === "left";
    return accessLike;
  }
  if (isAsExpression(c)) {
    if (isBinaryExpression(parent) && isAssignment(parent.operatorToken.kind) && key === "right") return false;
    if (key === "argument") return false;
    if (isConditionalExpression(parent)) unsupported("as in a conditional");
    return true;
  }
  if (isArrowFunction(c)) {
    if (key === "argument") return false;
    unsupported("an arrow function here");
  }
  if (isNumericLiteral(c) && key === "object") unsupported("a number's member");
  if (isObjectLiteralExpression(c) && key === "callee") unsupported("a call of an object");
  if (isNewExpression(c) && key === "callee") unsupported("a call of new");
  if (isPostfixUnaryExpression(c)) return accessLike;
  return false;
}

/** The expression on one line, as prettier prints it when it fits. */
function expr(e: ts.Expression): string {
  e = skipParens(e);
  noComments(e);
  switch (e.kind) {
    case SK.Identifier:
      return identifier(e);
    case SK.NumericLiteral: {
      const text = (e as ts.NumericLiteral).text;
      // a parsed literal is printed from its source text, which its .text normalizes (1.0 -> 1)
      if (!/^[\d.]/.test(text) || e.pos >= 0) unsupported("a number written with a sign, or parsed");
      return printNumber(text);
    }
    case SK.StringLiteral:
      return stringLiteral(e);
    case SK.TrueKeyword:
      return "true";
    case SK.FalseKeyword:
      return "false";
    case SK.NullKeyword:
      return "null";
    case SK.BinaryExpression: {
      const b = e as ts.BinaryExpression;
      if (isAssignment(b.operatorToken.kind)) unsupported("an assignment inside an expression");
      return `${operand(b.left, b, "left")} ${binaryOperator(b)} ${operand(b.right, b, "right")}`;
    }
    case SK.PrefixUnaryExpression: {
      const u = e as ts.PrefixUnaryExpression;
      return `${ts.tokenToString(u.operator)}${operand(u.operand, u, "operand")}`;
    }
    case SK.PostfixUnaryExpression: {
      const u = e as ts.PostfixUnaryExpression;
      return `${operand(u.operand, u, "operand")}${ts.tokenToString(u.operator)}`;
    }
    case SK.ConditionalExpression: {
      const c = e as ts.ConditionalExpression;
      if (isConditionalExpression(skipParens(c.whenFalse))) unsupported("a chain of conditionals");
      return `${operand(c.condition, c, "test")} ? ${operand(c.whenTrue, c, "consequent")} : ${operand(c.whenFalse, c, "alternate")}`;
    }
    case SK.CallExpression: {
      const c = e as ts.CallExpression;
      if (c.questionDotToken || c.typeArguments) unsupported("a kind of call");
      if (callsInChain(c) > 2) unsupported("a member chain");
      const fns = c.arguments.filter((a) => isArrowFunction(skipParens(a)) || isFunctionExpression(skipParens(a)));
      if (fns.length > 1 || (fns.length === 1 && skipParens(c.arguments[c.arguments.length - 1]) !== fns[0]))
        unsupported("function arguments");
      return `${operand(c.expression, c, "callee")}(${args(c.arguments, c)})`;
    }
    case SK.NewExpression: {
      const n = e as ts.NewExpression;
      if (n.typeArguments) unsupported("type arguments");
      const callee = skipParens(n.expression);
      if (!isIdentifier(callee) && !isPropertyAccessExpression(callee)) unsupported("a kind of new");
      return `new ${expr(callee)}(${args(n.arguments ?? ts.factory.createNodeArray(), n)})`;
    }
    case SK.PropertyAccessExpression: {
      const p = e as ts.PropertyAccessExpression;
      if (p.questionDotToken) unsupported("optional chaining");
      return `${operand(p.expression, p, "object")}.${identifier(p.name)}`;
    }
    case SK.ElementAccessExpression: {
      const a = e as ts.ElementAccessExpression;
      if (a.questionDotToken) unsupported("optional chaining");
      return `${operand(a.expression, a, "object")}[${expr(a.argumentExpression)}]`;
    }
    case SK.NonNullExpression: {
      const n = e as ts.NonNullExpression;
      return `${operand(n.expression, n, "object")}!`;
    }
    case SK.AsExpression: {
      const a = e as ts.AsExpression;
      return `${operand(a.expression, a, "operand")} as ${typeText(a.type)}`;
    }
    case SK.ObjectLiteralExpression: {
      const o = e as ts.ObjectLiteralExpression;
      if (o.properties.length === 0) return "{}";
      if ((o as { multiLine?: boolean }).multiLine) unsupported("an object on several lines");
      const props = o.properties.map((p) => {
        noComments(p);
        if (isShorthandPropertyAssignment(p) && !p.objectAssignmentInitializer) return identifier(p.name);
        if (isPropertyAssignment(p)) return `${identifier(p.name)}: ${rhs(p.initializer)}`;
        return unsupported("a kind of property");
      });
      return `{ ${props.join(", ")} }`;
    }
    case SK.ArrayLiteralExpression: {
      const a = e as ts.ArrayLiteralExpression;
      const els = a.elements.map((x) => skipParens(x));
      // prettier breaks an array of several objects or arrays even when it fits
      const nested = (x: ts.Expression) =>
        (isObjectLiteralExpression(x) && x.properties.length > 1) || (isArrayLiteralExpression(x) && x.elements.length > 1);
      if (els.length > 1 && els.every(nested)) unsupported("an array of objects or arrays");
      if (els.some((x) => isSpreadElement(x) || isOmittedExpression(x))) unsupported("a spread or a hole");
      return `[${els.map((x) => operand(x, a, "argument")).join(", ")}]`;
    }
    case SK.ArrowFunction: {
      const f = e as ts.ArrowFunction;
      if (f.typeParameters || f.type || ts.getModifiers(f)?.length || isBlock(f.body)) unsupported("a kind of arrow function");
      const b = skipParens(f.body as ts.Expression);
      if (isObjectLiteralExpression(b) || isConditionalExpression(b) || isBinaryExpression(b)) unsupported("an arrow's body");
      return `(${f.parameters.map(parameter).join(", ")}) => ${expr(b)}`;
    }
    default:
      return unsupported(SK[e.kind]);
  }
}

function args(list: ts.NodeArray<ts.Expression>, parent: ts.Expression): string {
  return list.map((a) => (isSpreadElement(a) ? unsupported("a spread") : operand(a, parent, "argument"))).join(", ");
}

/** Calls in a member chain `a.b().c()`: prettier breaks long chains of them even when they fit. */
function callsInChain(e: ts.Expression): number {
  let n = 0;
  for (;;) {
    e = skipParens(e);
    if (isCallExpression(e)) n++;
    if (isCallExpression(e) || isPropertyAccessExpression(e) || isElementAccessExpression(e) || isNonNullExpression(e)) e = e.expression;
    else return n;
  }
}

// ---- types -------------------------------------------------------------------------------

function typeText(t: ts.TypeNode): string {
  noComments(t);
  switch (t.kind) {
    case SK.NumberKeyword:
    case SK.BooleanKeyword:
    case SK.StringKeyword:
    case SK.VoidKeyword:
    case SK.UndefinedKeyword:
    case SK.UnknownKeyword:
    case SK.AnyKeyword:
    case SK.NeverKeyword:
      return ts.tokenToString(t.kind)!;
    case SK.TypeReference: {
      const r = t as ts.TypeReferenceNode;
      const name = entityName(r.typeName);
      return r.typeArguments ? `${name}<${r.typeArguments.map(typeText).join(", ")}>` : name;
    }
    case SK.ArrayType: {
      const el = (t as ts.ArrayTypeNode).elementType;
      if (![SK.NumberKeyword, SK.BooleanKeyword, SK.TypeReference, SK.ArrayType, SK.TupleType, SK.TypeLiteral].includes(el.kind))
        unsupported("an array of this type");
      return `${typeText(el)}[]`;
    }
    case SK.TypeOperator: {
      const o = t as ts.TypeOperatorNode;
      if (o.operator !== SK.ReadonlyKeyword) unsupported("a type operator");
      return `readonly ${typeText(o.type)}`;
    }
    case SK.TupleType: {
      const els = (t as ts.TupleTypeNode).elements;
      return `[${els.map((x) => (isNamedTupleMember(x) || isRestTypeNode(x) || isOptionalTypeNode(x) ? unsupported("a tuple member") : typeText(x))).join(", ")}]`;
    }
    case SK.TypeLiteral: {
      const l = t as ts.TypeLiteralNode;
      if (l.members.length === 0) return "{}";
      // the TypeScript printer writes it over several lines unless told otherwise, and prettier keeps that
      if (!(((l as { emitNode?: { flags?: number } }).emitNode?.flags ?? 0) & ts.EmitFlags.SingleLine))
        unsupported("a type on several lines");
      const members = l.members.map((m) => {
        noComments(m);
        if (!isPropertySignature(m) || !m.type || ts.getModifiers(m)?.length) unsupported("a kind of member");
        return `${identifier(m.name)}${m.questionToken ? "?" : ""}: ${typeText(m.type)}`;
      });
      return `{ ${members.join("; ")} }`;
    }
    default:
      return unsupported(SK[t.kind]);
  }
}

function entityName(n: ts.EntityName): string {
  return isIdentifier(n) ? identifier(n) : `${entityName(n.left)}.${identifier(n.right)}`;
}
