// Emission: adjoint programs -> TypeScript statements (ts.factory), one chain-rule step per
// statement. For each tagged function f it emits
//   fGradInto(p…, grad, seed = 1): number   forward sweep, reverse sweep, adds into grad
//   fGrad(p…, seed = 1): { value, grad }     a fresh gradient record, filled by fGradInto
// A forward temporary that is used once and not read by the reverse sweep is written inline
// in its consumer, so only the intermediates the adjoint reads are kept as consts.
import * as ts from "typescript";
import type { Adjoint, AdjointUpdate } from "../ir/adjoint.js";
import type { Expr } from "../ir/expr.js";
import type { Op, ValueId } from "../ir/types.js";
import { operandExpr } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";
import { nameFunction, Namer, type FunctionNames } from "./names.js";

const f = ts.factory;
const SK = ts.SyntaxKind;

export interface EmitFunction {
  adjoint: Adjoint;
  /** Every identifier of the user's function, reserved so generated names never shadow them. */
  userNames: Set<string>;
}

export const gradName = (fn: string) => `${fn}Grad`;
export const gradIntoName = (fn: string) => `${fn}GradInto`;

export function emitFunctions(fns: EmitFunction[]): ts.Statement[] {
  const exported = fns.flatMap((x) => [gradName(x.adjoint.func.name), gradIntoName(x.adjoint.func.name)]);
  const globals = ["Math", "Infinity", "NaN", "undefined", ...exported];
  return fns.flatMap((x) => [emitGrad(x.adjoint, globals), emitGradInto(x, globals)]);
}

function emitGradInto({ adjoint, userNames }: EmitFunction, globals: string[]): ts.FunctionDeclaration {
  const { func, forward, reverse, record, gradients } = adjoint;
  const inlined = inlinedValues(adjoint);
  const withAdjoint = new Set(reverse.map((u) => u.target));
  const visible = [...new Set([...forward.filter((op) => !inlined.has(op.result)).map((op) => op.result), ...withAdjoint])].sort(
    (a, b) => a - b,
  );
  const names = nameFunction(func, visible, withAdjoint, userNames, globals);
  const ops = new Map(forward.map((op) => [op.result, op]));
  const expr = (e: Expr): ts.Expression => toTs(e, names, (id) => (inlined.has(id) ? opExpr(ops.get(id)!) : undefined));
  const opExpr = (op: Op): ts.Expression => expr({ k: "prim", prim: op.prim, args: op.args.map(operandExpr) });

  const forwardSweep = forward.filter((op) => !inlined.has(op.result)).map((op) => constDecl(names.value.get(op.result)!, opExpr(op)));
  const counts = new Map<ValueId, number>();
  for (const u of reverse) counts.set(u.target, (counts.get(u.target) ?? 0) + 1);
  const reverseSweep: ts.Statement[] = [];
  let lastStmt = -1;
  for (const u of reverse) {
    const st = adjointStatement(u, names, expr, (counts.get(u.target) ?? 0) > 1);
    if (u.stmt >= 0 && u.stmt !== lastStmt) comment(st, ` ${func.statements[u.stmt].text}`);
    lastStmt = u.stmt;
    reverseSweep.push(st);
  }
  const accumulate = gradients
    .filter((g) => g.adjoint !== null)
    .map((g) =>
      f.createExpressionStatement(
        f.createBinaryExpression(
          f.createPropertyAccessExpression(f.createIdentifier(names.grad), g.param.name),
          SK.PlusEqualsToken,
          f.createIdentifier(names.adjoint.get(g.adjoint!)!),
        ),
      ),
    );
  const ret = f.createReturnStatement(expr(operandExpr(func.result)));
  if (forwardSweep.length) comment(forwardSweep[0], " forward sweep");
  const reverseStart = reverseSweep[0] ?? accumulate[0] ?? ret;
  if (reverseSweep.length || accumulate.length) comment(reverseStart, " reverse sweep");

  const params = [
    ...func.params.map((p) => param(names.value.get(p.value)!, numberType())),
    param(names.grad, gradType(adjoint)),
    f.createParameterDeclaration(undefined, undefined, names.seed, undefined, undefined, f.createNumericLiteral(1)),
  ];
  const decl = f.createFunctionDeclaration(
    [f.createModifier(SK.ExportKeyword)],
    undefined,
    gradIntoName(func.name),
    undefined,
    params,
    numberType(),
    f.createBlock([...forwardSweep, ...reverseSweep, ...accumulate, ret], true),
  );
  return doc(decl, `Value of ${func.name}; adds d(seed * ${func.name})/d(${gradients.map((g) => g.param.name).join(", ")}) into grad.`);
}

function emitGrad(adjoint: Adjoint, globals: string[]): ts.FunctionDeclaration {
  const { func, gradients } = adjoint;
  const namer = new Namer(globals);
  const paramNames = func.params.map((p) => namer.claim(p.name));
  const grad = namer.claim("grad");
  const seed = namer.claim("seed");
  const value = namer.claim("value");
  const zeros = f.createObjectLiteralExpression(gradients.map((g) => f.createPropertyAssignment(g.param.name, f.createNumericLiteral(0))));
  const call = f.createCallExpression(
    f.createIdentifier(gradIntoName(func.name)),
    undefined,
    [...paramNames, grad, seed].map((n) => f.createIdentifier(n)),
  );
  const body = f.createBlock(
    [
      constDecl(grad, zeros),
      constDecl(value, call),
      f.createReturnStatement(f.createObjectLiteralExpression([property("value", value), property("grad", grad)])),
    ],
    true,
  );
  const returnType = singleLine(
    f.createTypeLiteralNode([
      f.createPropertySignature(undefined, "value", undefined, numberType()),
      f.createPropertySignature(undefined, "grad", undefined, gradType(adjoint)),
    ]),
  );
  const params = [
    ...paramNames.map((n) => param(n, numberType())),
    f.createParameterDeclaration(undefined, undefined, seed, undefined, undefined, f.createNumericLiteral(1)),
  ];
  const decl = f.createFunctionDeclaration(
    [f.createModifier(SK.ExportKeyword)],
    undefined,
    gradName(func.name),
    undefined,
    params,
    returnType,
    body,
  );
  return doc(decl, `Value of ${func.name} and its gradient d(seed * ${func.name})/d(${gradients.map((g) => g.param.name).join(", ")}).`);
}

/** How deep an inlined expression may nest before a temporary is kept (readability, and the printers' stacks). */
const MAX_INLINE_DEPTH = 16;

/** Forward temporaries written inline: used once, not the result, not read by the reverse sweep. */
function inlinedValues(a: Adjoint): Set<ValueId> {
  const uses = new Map<ValueId, number>();
  const use = (id: ValueId) => uses.set(id, (uses.get(id) ?? 0) + 1);
  for (const op of a.forward) for (const x of op.args) if (x.kind === "value") use(x.id);
  if (a.func.result.kind === "value") use(a.func.result.id);
  const out = new Set<ValueId>();
  const depth = new Map<ValueId, number>();
  for (const op of a.forward) {
    const d = 1 + Math.max(0, ...op.args.map((x) => (x.kind === "value" && out.has(x.id) ? depth.get(x.id)! : 0)));
    depth.set(op.result, d);
    const v = a.func.values[op.result];
    const isResult = a.func.result.kind === "value" && a.func.result.id === op.result;
    if (v.hint === "" && uses.get(op.result) === 1 && !a.record.has(op.result) && !isResult && d < MAX_INLINE_DEPTH) out.add(op.result);
  }
  return out;
}

// `const dq = z * dout;`, `dq += …`, `dy -= …` (a negated contribution is subtracted)
function adjointStatement(u: AdjointUpdate, names: FunctionNames, expr: (e: Expr) => ts.Expression, accumulates: boolean): ts.Statement {
  const name = names.adjoint.get(u.target)!;
  if (u.mode === "init") {
    return f.createVariableStatement(
      undefined,
      f.createVariableDeclarationList(
        [f.createVariableDeclaration(name, undefined, undefined, expr(u.expr))],
        accumulates ? ts.NodeFlags.Let : ts.NodeFlags.Const,
      ),
    );
  }
  const negated = u.expr.k === "prim" && u.expr.prim === "neg";
  const rhs = negated ? expr((u.expr as { args: Expr[] }).args[0]) : expr(u.expr);
  return f.createExpressionStatement(
    f.createBinaryExpression(f.createIdentifier(name), negated ? SK.MinusEqualsToken : SK.PlusEqualsToken, rhs),
  );
}

/** An expression tree as a TypeScript expression; `inline(id)` gives the expression of an inlined value. */
function toTs(e: Expr, names: FunctionNames, inline: (id: ValueId) => ts.Expression | undefined): ts.Expression {
  const rec = (x: Expr) => toTs(x, names, inline);
  switch (e.k) {
    case "const":
      return literal(e.value, e.text);
    case "val":
      return inline(e.id) ?? f.createIdentifier(names.value.get(e.id)!);
    case "adj":
      return f.createIdentifier(names.adjoint.get(e.id)!);
    case "role":
      if (e.role === "seed") return f.createIdentifier(names.seed);
      throw new Error(`unbound role ${e.role} in emitted code`);
    case "prim": {
      const form = ruleOf(e.prim).form;
      const args = e.args.map(rec);
      switch (form.kind) {
        case "binary": {
          // `a + -3` reads as `a - 3` (and is the same IEEE operation)
          const right = e.args[1];
          if ((form.op === "+" || form.op === "-") && right.k === "const" && right.text === undefined && right.value < 0) {
            return f.createBinaryExpression(args[0], form.op === "+" ? SK.MinusToken : SK.PlusToken, literal(-right.value));
          }
          // `-a ** 2` is a syntax error: a unary left operand of ** needs parentheses
          const left = form.op === "**" && ts.isPrefixUnaryExpression(args[0]) ? f.createParenthesizedExpression(args[0]) : args[0];
          return f.createBinaryExpression(left, BINARY_TOKENS[form.op], args[1]);
        }
        case "prefix":
          return f.createPrefixUnaryExpression(SK.MinusToken, args[0]);
        case "call": {
          const [obj, member] = form.callee.split(".");
          return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(obj), member), undefined, args);
        }
        case "identity":
          return args[0];
        case "reciprocal":
          return f.createBinaryExpression(f.createNumericLiteral(1), SK.SlashToken, args[0]);
        case "select":
          return f.createConditionalExpression(args[0], f.createToken(SK.QuestionToken), args[1], f.createToken(SK.ColonToken), args[2]);
      }
    }
  }
}

const BINARY_TOKENS = {
  "+": SK.PlusToken,
  "-": SK.MinusToken,
  "*": SK.AsteriskToken,
  "/": SK.SlashToken,
  "**": SK.AsteriskAsteriskToken,
  "%": SK.PercentToken,
  ">=": SK.GreaterThanEqualsToken,
  ">": SK.GreaterThanToken,
  "<=": SK.LessThanEqualsToken,
  "<": SK.LessThanToken,
  "===": SK.EqualsEqualsEqualsToken,
} as const;

function literal(v: number, text?: string): ts.Expression {
  if (text !== undefined) {
    const parts = text.split(".");
    return parts.length === 2 ? f.createPropertyAccessExpression(f.createIdentifier(parts[0]), parts[1]) : f.createIdentifier(text);
  }
  if (Number.isNaN(v)) return f.createIdentifier("NaN");
  if (v < 0 || Object.is(v, -0)) return f.createPrefixUnaryExpression(SK.MinusToken, literal(-v));
  if (v === Infinity) return f.createIdentifier("Infinity");
  return f.createNumericLiteral(String(v));
}

const numberType = () => f.createKeywordTypeNode(SK.NumberKeyword);

function gradType(a: Adjoint): ts.TypeNode {
  return singleLine(
    f.createTypeLiteralNode(a.gradients.map((g) => f.createPropertySignature(undefined, g.param.name, undefined, numberType()))),
  );
}

/** `{ value: v }`, or `{ value }` when the local has the key's name. */
function property(key: string, local: string): ts.ObjectLiteralElementLike {
  return key === local ? f.createShorthandPropertyAssignment(key) : f.createPropertyAssignment(key, f.createIdentifier(local));
}

/** Printed on one line (prettier then keeps short type literals on one line). */
function singleLine<T extends ts.Node>(node: T): T {
  return ts.setEmitFlags(node, ts.EmitFlags.SingleLine);
}

function param(name: string, type: ts.TypeNode): ts.ParameterDeclaration {
  return f.createParameterDeclaration(undefined, undefined, name, undefined, type);
}

function constDecl(name: string, init: ts.Expression): ts.Statement {
  return f.createVariableStatement(
    undefined,
    f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, init)], ts.NodeFlags.Const),
  );
}

function comment<T extends ts.Node>(node: T, text: string): T {
  return ts.addSyntheticLeadingComment(node, SK.SingleLineCommentTrivia, text, true);
}

function doc<T extends ts.Node>(node: T, text: string): T {
  return ts.addSyntheticLeadingComment(node, SK.MultiLineCommentTrivia, `* ${text} `, true);
}
