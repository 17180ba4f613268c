// Lowers a tagged function's TypeScript AST into the SSA IR.
// After lower(): every operand is an SSA value or a literal; every operation is a primitive of
// the rule table; each operation knows the source statement it came from. Anything outside
// the supported language is an AdcError at the offending node, never a guess.
import * as ts from "typescript";
import { AdcError, spanOf } from "../diagnostics/report.js";
import { messages } from "../diagnostics/messages.js";
import { FuncBuilder } from "../ir/builder.js";
import { constant, type Func, type Operand } from "../ir/types.js";
import { primOfMathCall, ruleOf } from "../rules/table.js";
import type { FunctionNode, TaggedFunction } from "./find-tagged.js";
import { describeExpression, describeStatement } from "./describe.js";

/** What the lowering knows about the module around the function. */
export interface ModuleContext {
  file: ts.SourceFile;
  /** Names of all tagged functions in the file (calls to them are not supported yet). */
  tagged: Set<string>;
  /** Module-level `const K = <number literal>`: inlined as literals. */
  constants: Map<string, number>;
  /** How `stopGradient` from "adc" is called in this file: local names, and namespace names (`adc.stopGradient`). */
  stopGradient: { names: Set<string>; namespaces: Set<string> };
  /** Global names the file declares for itself (a `Math` of its own is not the global Math). */
  shadowed: Set<string>;
}

/** Names declared anywhere in the file that hide globals adc relies on. */
export function shadowedGlobals(file: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (node: ts.Node) => {
    const name = (node as { name?: ts.Node }).name;
    const declares =
      ts.isVariableDeclaration(node) ||
      ts.isFunctionDeclaration(node) ||
      ts.isClassDeclaration(node) ||
      ts.isParameter(node) ||
      ts.isImportSpecifier(node) ||
      ts.isNamespaceImport(node) ||
      ts.isImportClause(node) ||
      ts.isModuleDeclaration(node) ||
      ts.isEnumDeclaration(node);
    if (declares && name && ts.isIdentifier(name) && (name.text === "Math" || name.text === "Infinity" || name.text === "NaN"))
      out.add(name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The names under which the file imports `stopGradient` from "adc". */
export function stopGradientImports(file: ts.SourceFile): ModuleContext["stopGradient"] {
  const names = new Set<string>();
  const namespaces = new Set<string>();
  for (const st of file.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== "adc") continue;
    const bindings = st.importClause?.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
    else for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === "stopGradient") names.add(el.name.text);
  }
  return { names, namespaces };
}

interface Binding {
  mutable: boolean;
  /** undefined until a `let` without initializer is assigned. */
  operand?: Operand;
}

// The binary operators of the language and their primitives.
const BINARY: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusToken]: "add",
  [ts.SyntaxKind.MinusToken]: "sub",
  [ts.SyntaxKind.AsteriskToken]: "mul",
  [ts.SyntaxKind.SlashToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskToken]: "pow",
  [ts.SyntaxKind.PercentToken]: "mod",
};

const COMPOUND: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.PlusEqualsToken]: "add",
  [ts.SyntaxKind.MinusEqualsToken]: "sub",
  [ts.SyntaxKind.AsteriskEqualsToken]: "mul",
  [ts.SyntaxKind.SlashEqualsToken]: "div",
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken]: "pow",
  [ts.SyntaxKind.PercentEqualsToken]: "mod",
};

const MATH_CONSTANTS = new Set(["PI", "E", "LN2", "LN10", "LOG2E", "LOG10E", "SQRT2", "SQRT1_2"]);
const GLOBAL_CONSTANTS: Record<string, number> = { Infinity, NaN };

export function lower(tagged: TaggedFunction, ctx: ModuleContext): Func {
  return new Lowering(tagged, ctx).run();
}

/** Top-level `const K = 2.5` (or `-2.5`) declarations of a file. */
export function moduleConstants(file: ts.SourceFile): Map<string, number> {
  const out = new Map<string, number>();
  for (const st of file.statements) {
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const v = literalValue(d.initializer);
      if (v !== undefined) out.set(d.name.text, v);
    }
  }
  return out;
}

function literalValue(e: ts.Expression): number | undefined {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand))
    return -Number(e.operand.text);
  return undefined;
}

class Lowering {
  private readonly b: FuncBuilder;
  private readonly env = new Map<string, Binding>();
  private readonly file: ts.SourceFile;

  constructor(
    private readonly tagged: TaggedFunction,
    private readonly ctx: ModuleContext,
  ) {
    this.file = ctx.file;
    this.b = new FuncBuilder(tagged.name, this.span(tagged.statement));
  }

  run(): Func {
    const fn = this.tagged.node;
    this.checkSignature(fn);
    const wrt = this.tagged.wrt;
    const paramNames = fn.parameters.map((p) => (p.name as ts.Identifier).text);
    for (const w of wrt ?? []) {
      if (!paramNames.includes(w.name)) throw new AdcError(w.span, messages.wrtUnknown(w.name, this.tagged.name, paramNames));
    }
    for (const p of fn.parameters) {
      const name = (p.name as ts.Identifier).text;
      const id = this.b.param(name, this.span(p), wrt === undefined || wrt.some((w) => w.name === name));
      this.env.set(name, { mutable: true, operand: { kind: "value", id } });
    }
    const body = fn.body!;
    if (!ts.isBlock(body)) {
      // `(x) => expr` is `return expr`
      this.b.statement(oneLine(body.getText(this.file)), this.span(body));
      return this.b.finish(this.expr(body));
    }
    return this.b.finish(this.block(body));
  }

  private checkSignature(fn: FunctionNode): void {
    const mods = ts.canHaveModifiers(fn) ? (ts.getModifiers(fn) ?? []) : [];
    const async = mods.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
    if (async) throw new AdcError(this.span(async), messages.functionModifier("async"));
    if (fn.asteriskToken) throw new AdcError(this.span(fn.asteriskToken), messages.functionModifier("generator"));
    if (fn.typeParameters?.length) throw new AdcError(this.span(fn.typeParameters[0]), messages.typeParameters());
    for (const p of fn.parameters) {
      if (!ts.isIdentifier(p.name)) throw new AdcError(this.span(p), messages.parameterForm("destructured"));
      if (p.dotDotDotToken) throw new AdcError(this.span(p), messages.parameterForm("rest"));
      if (p.questionToken) throw new AdcError(this.span(p), messages.parameterForm("optional"));
      if (p.initializer) throw new AdcError(this.span(p), messages.parameterForm("default-valued"));
      if (!p.type) throw new AdcError(this.span(p), messages.parameterNeedsType(p.name.text));
      if (!isNumberType(p.type))
        throw new AdcError(this.span(p.type), messages.parameterType(p.name.text, oneLine(p.type.getText(this.file))));
    }
    if (fn.type && !isNumberType(fn.type)) throw new AdcError(this.span(fn.type), messages.returnType(oneLine(fn.type.getText(this.file))));
  }

  /** Lowers the statements of the body; returns what the final `return` returns. */
  private block(body: ts.Block): Operand {
    const statements = body.statements;
    for (let i = 0; i < statements.length; i++) {
      const st = statements[i];
      if (ts.isEmptyStatement(st)) continue;
      if (ts.isReturnStatement(st)) {
        const rest = statements.slice(i + 1).find((s) => !ts.isEmptyStatement(s) && !ts.isFunctionDeclaration(s));
        if (rest) throw new AdcError(this.span(rest), messages.codeAfterReturn());
        if (!st.expression) throw new AdcError(this.span(st), messages.missingReturn(this.tagged.name));
        this.b.statement(statementText(st, this.file), this.span(st));
        return this.expr(st.expression);
      }
      this.statement(st);
    }
    const end = statements.length ? statements[statements.length - 1] : body;
    throw new AdcError(this.span(end), messages.missingReturn(this.tagged.name));
  }

  private statement(st: ts.Statement): void {
    if (ts.isVariableStatement(st)) return this.variables(st);
    if (ts.isExpressionStatement(st)) return this.expressionStatement(st);
    throw new AdcError(this.span(st), messages.unsupportedStatement(describeStatement(st)));
  }

  // Lowers `const q = x + y` into `%q = add %x, %y`; `let s;` binds s with no value yet.
  private variables(st: ts.VariableStatement): void {
    const list = st.declarationList;
    const isLet = (list.flags & ts.NodeFlags.Let) !== 0;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    if (!isLet && !isConst) throw new AdcError(this.span(st), messages.varDeclaration());
    this.b.statement(statementText(st, this.file), this.span(st));
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) throw new AdcError(this.span(d.name), messages.destructuring());
      const name = d.name.text;
      if (d.type && !isNumberType(d.type))
        throw new AdcError(this.span(d.type), messages.localType(name, oneLine(d.type.getText(this.file))));
      const operand = d.initializer ? this.expr(d.initializer) : undefined;
      if (operand) this.b.nameValue(operand, name);
      this.env.set(name, { mutable: isLet, operand });
    }
  }

  // Lowers `x = e`, `x += e` (`%x.2 = add %x, %e`), `x++`.
  private expressionStatement(st: ts.ExpressionStatement): void {
    const e = skipParens(st.expression);
    this.b.statement(statementText(st, this.file), this.span(st));
    if (ts.isBinaryExpression(e) && ts.isIdentifier(skipParens(e.left))) {
      const op = e.operatorToken.kind;
      const target = skipParens(e.left) as ts.Identifier;
      if (op === ts.SyntaxKind.EqualsToken) return this.assign(target, this.expr(e.right));
      const prim = COMPOUND[op];
      if (prim) return this.assign(target, this.b.op(prim, [this.read(target), this.expr(e.right)], this.span(e), target.text));
    }
    if ((ts.isPrefixUnaryExpression(e) || ts.isPostfixUnaryExpression(e)) && ts.isIdentifier(skipParens(e.operand))) {
      const prim = e.operator === ts.SyntaxKind.PlusPlusToken ? "add" : e.operator === ts.SyntaxKind.MinusMinusToken ? "sub" : undefined;
      const target = skipParens(e.operand) as ts.Identifier;
      if (prim) return this.assign(target, this.b.op(prim, [this.read(target), constant(1)], this.span(e), target.text));
    }
    throw new AdcError(
      this.span(st),
      messages.unsupportedStatement(`the expression statement '${oneLine(st.expression.getText(this.file))}'`),
    );
  }

  private assign(target: ts.Identifier, value: Operand): void {
    const binding = this.env.get(target.text);
    if (!binding) throw new AdcError(this.span(target), messages.assignToUnknown(target.text));
    if (!binding.mutable) throw new AdcError(this.span(target), messages.assignToConst(target.text));
    this.b.nameValue(value, target.text);
    binding.operand = value;
  }

  private read(id: ts.Identifier): Operand {
    const binding = this.env.get(id.text);
    if (binding) {
      if (!binding.operand) throw new AdcError(this.span(id), messages.readBeforeAssign(id.text));
      return binding.operand;
    }
    const k = this.ctx.constants.get(id.text);
    if (k !== undefined) return constant(k);
    if (id.text in GLOBAL_CONSTANTS && !this.ctx.shadowed.has(id.text)) return constant(GLOBAL_CONSTANTS[id.text], id.text);
    throw new AdcError(this.span(id), messages.unknownName(id.text));
  }

  /** Lowers an expression; returns the operand holding its value. */
  private expr(e: ts.Expression): Operand {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) {
      return this.expr(e.expression);
    }
    if (ts.isNumericLiteral(e)) return constant(Number(e.text));
    if (ts.isIdentifier(e)) return this.read(e);
    if (ts.isPrefixUnaryExpression(e)) return this.prefix(e);
    if (ts.isBinaryExpression(e)) return this.binary(e);
    if (ts.isCallExpression(e)) return this.call(e);
    if (ts.isPropertyAccessExpression(e) && this.isMath(e.expression)) {
      const name = e.name.text;
      if (MATH_CONSTANTS.has(name)) return constant((Math as unknown as Record<string, number>)[name], `Math.${name}`);
      const callable = name === "pow" || name === "max" || name === "min" || name === "hypot" || primOfMathCall(name) !== undefined;
      throw new AdcError(this.span(e), callable ? messages.mathFunctionAsValue(name) : messages.unknownMathMember(name));
    }
    throw new AdcError(this.span(e), messages.unsupportedExpression(describeExpression(e)));
  }

  // Lowers `-x` into `%t = neg %x`; `-3` is the literal -3; `+x` is x.
  private prefix(e: ts.PrefixUnaryExpression): Operand {
    if (e.operator === ts.SyntaxKind.MinusToken) {
      if (ts.isNumericLiteral(e.operand)) return constant(-Number(e.operand.text));
      return this.b.op("neg", [this.expr(e.operand)], this.span(e));
    }
    if (e.operator === ts.SyntaxKind.PlusToken) return this.expr(e.operand);
    throw new AdcError(this.span(e), messages.unsupportedOperator(ts.tokenToString(e.operator) ?? "?"));
  }

  // Lowers `a * b` into `%t = mul %a, %b`.
  private binary(e: ts.BinaryExpression): Operand {
    const prim = BINARY[e.operatorToken.kind];
    if (!prim) {
      if (COMPOUND[e.operatorToken.kind] || e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        throw new AdcError(this.span(e), messages.unsupportedExpression("an assignment inside an expression"));
      }
      throw new AdcError(this.span(e.operatorToken), messages.unsupportedOperator(e.operatorToken.getText(this.file)));
    }
    const left = this.expr(e.left);
    const right = this.expr(e.right);
    // `1 / y` is the reciprocal, whose adjoint needs no second division
    if (prim === "div" && left.kind === "const" && left.value === 1 && left.text === undefined)
      return this.b.op("recip", [right], this.span(e));
    return this.b.op(prim, [left, right], this.span(e));
  }

  // Lowers `Math.exp(a)` into `%t = exp %a`; Math.max/min of n operands into a chain of
  // two-operand max/min; Math.pow into pow.
  private call(e: ts.CallExpression): Operand {
    const callee = skipParens(e.expression);
    const calleeText = oneLine(callee.getText(this.file));
    const sg = this.ctx.stopGradient;
    const isStop = ts.isIdentifier(callee)
      ? sg.names.has(callee.text)
      : ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        sg.namespaces.has(callee.expression.text) &&
        callee.name.text === "stopGradient";
    if (isStop) {
      // stopGradient(x): x, with no path for the gradient
      if (e.arguments.length !== 1)
        throw new AdcError(this.span(e), messages.unsupportedExpression("stopGradient with other than one argument"));
      return this.b.op("stopGradient", [this.expr(e.arguments[0])], this.span(e));
    }
    if (ts.isIdentifier(callee)) {
      if (this.ctx.tagged.has(callee.text)) throw new AdcError(this.span(e), messages.callToTagged(callee.text));
      throw new AdcError(this.span(e), messages.noRuleForCall(calleeText));
    }
    if (!ts.isPropertyAccessExpression(callee) || !this.isMath(callee.expression) || e.questionDotToken || callee.questionDotToken) {
      throw new AdcError(this.span(e), messages.noRuleForCall(calleeText));
    }
    const name = callee.name.text;
    const spread = e.arguments.find(ts.isSpreadElement);
    if (spread) throw new AdcError(this.span(spread), messages.unsupportedExpression("a spread argument"));
    const args = e.arguments.map((a) => this.expr(a));
    const span = this.span(e);
    if (name === "max" || name === "min") {
      if (args.length === 0) return constant(name === "max" ? -Infinity : Infinity);
      return args.slice(1).reduce((acc, a) => this.b.op(name, [acc, a], span), args[0]);
    }
    if (name === "hypot") return args.length === 0 ? constant(0) : this.b.op("hypot", args, span);
    const prim = name === "pow" ? "pow" : primOfMathCall(name);
    if (!prim)
      throw new AdcError(this.span(e), name === "random" ? messages.noRuleForCall("Math.random") : messages.unknownMathMember(name));
    const arity = ruleOf(prim).arity;
    const want = name === "pow" ? 2 : arity;
    if (args.length !== want) {
      throw new AdcError(span, messages.unsupportedExpression(`'Math.${name}' with ${args.length} argument(s) (it takes ${want})`));
    }
    return this.b.op(prim, args, span);
  }

  private span(node: ts.Node) {
    return spanOf(node, this.file);
  }

  /** `Math`, the global one: a `Math` declared in the file or the function is not trusted. */
  private isMath(e: ts.Expression): boolean {
    if (!ts.isIdentifier(e) || e.text !== "Math") return false;
    if (this.ctx.shadowed.has("Math") || this.env.has("Math")) throw new AdcError(this.span(e), messages.shadowedMath());
    return true;
  }
}

function isNumberType(t: ts.TypeNode): boolean {
  return t.kind === ts.SyntaxKind.NumberKeyword;
}

function skipParens(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}

/** Collapses whitespace so a statement fits one comment line; drops the final `;`. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function statementText(st: ts.Statement, file: ts.SourceFile): string {
  const text = oneLine(st.getText(file)).replace(/;$/, "");
  return text.length > 100 ? `${text.slice(0, 97)}…` : text;
}
