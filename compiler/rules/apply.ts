// Instantiates a rule for one operation: its gradient template with the operation's operands,
// result and upstream adjoint filled in, simplified. The analyses and the reverse sweep both
// read the rules only through `contributions`, so what is recorded is exactly what the
// adjoint reads.
import type { Expr } from "../ir/expr.js";
import { substitute } from "../ir/expr.js";
import { simplify } from "../ir/simplify.js";
import { opsOf, type Block, type Op, type Operand, type ValueId } from "../ir/types.js";
import type { Roles, Rule } from "./kinds.js";
import { ruleOf } from "./table.js";

/** The roles a rule template is written over, as placeholders (for checking and instantiating). */
export function roles(arity: number): Roles {
  const args = Array.from({ length: arity }, (_, i): Expr => ({ k: "role", role: `arg${i}` }));
  return { x: args[0], y: args[1], args, out: { k: "role", role: "out" }, g: { k: "role", role: "g" } };
}

const templates = new Map<Rule, { grads: (Expr | null)[]; differentiable: boolean[] }[]>();

/** A rule's gradient templates over placeholder roles, built once per rule and arity (the entries are pure; instances are substituted copies). */
function templatesOf(rule: Rule, arity: number): { grads: (Expr | null)[]; differentiable: boolean[] } {
  let byArity = templates.get(rule);
  if (!byArity) templates.set(rule, (byArity = []));
  if (!byArity[arity]) {
    const grads = rule.grad(roles(arity));
    byArity[arity] = { grads, differentiable: grads.map((e) => e !== null) };
  }
  return byArity[arity];
}

/** Which operands of `prim` (with `arity` operands) have a derivative at all. */
export function differentiableOperands(rule: Rule, arity: number): boolean[] {
  if (rule.kind === "zero") return Array(arity).fill(false);
  return [...templatesOf(rule, arity).differentiable];
}

/** `op`'s contribution to the adjoint of operand i: partial * g (or the rule's routed vjp), simplified; null when none. */
export function contribution(op: Op, i: number): Expr | null {
  const rule = ruleOf(op.prim);
  if (rule.kind === "zero" || rule.kind === "access" || rule.kind === "call") return null;
  const template = templatesOf(rule, op.args.length).grads[i];
  if (!template) return null;
  const g: Expr = { k: "adj", id: op.result };
  const whole: Expr = rule.kind === "partials" ? { k: "prim", prim: "mul", args: [template, g] } : template;
  return simplify(
    substitute(whole, (leaf) => {
      if (leaf.k !== "role") return undefined;
      if (leaf.role === "g") return g;
      if (leaf.role === "out") return { k: "val", id: op.result };
      return operandExpr(op.args[Number(leaf.role.slice(3))]);
    }),
  );
}

/** Forward operations by what they compute, so an adjoint reuses a value instead of recomputing it. */
export type ForwardIndex = Map<string, ValueId>;

export function forwardIndex(body: Block): ForwardIndex {
  const index: ForwardIndex = new Map();
  for (const op of opsOf(body)) {
    const key = exprKey({ k: "prim", prim: op.prim, args: op.args.map(operandExpr) });
    if (!index.has(key)) index.set(key, op.result);
  }
  return index;
}

export interface Contribution {
  target: ValueId;
  expr: Expr;
  /** Into a part of the target's adjoint (an array or record): `dW[i][j] += expr`. */
  path?: PathStep[];
}

/** A step into a container: an element (`[i]`) or a field (`.W1`). */
export type PathStep = { index: Expr } | { field: string };

/**
 * What `op` adds into the adjoints of its active operands, one entry per operand value: an
 * operand used twice (`x * x`) gets one contribution, the sum (`2 * x * g`). Subexpressions the
 * forward sweep already computed (`Math.cos(t)` for sin's partial) are read from it.
 */
export function contributions(
  op: Op,
  active: (id: ValueId) => boolean,
  forward?: ForwardIndex,
  inScope: (id: ValueId) => boolean = () => true,
  isNumber: (id: ValueId) => boolean = () => true,
): Contribution[] {
  // reading a number out of an array or record: its adjoint goes into that part of the
  // container's adjoint (a part that is itself an array or record only passes its adjoint on)
  if (ruleOf(op.prim).kind === "access") {
    const container = op.args[0];
    if (container.kind !== "value" || !active(container.id) || !isNumber(op.result)) return [];
    const step: PathStep = op.prim === "field" ? { field: op.member! } : { index: operandExpr(op.args[1]) };
    return [{ target: container.id, expr: { k: "adj", id: op.result }, path: [step] }];
  }
  if (ruleOf(op.prim).kind === "local") return localContributions(op, active);
  const byOperand = new Map<ValueId, Expr[]>();
  op.args.forEach((arg, i) => {
    if (arg.kind !== "value" || !active(arg.id)) return;
    const e = contribution(op, i);
    if (e) byOperand.set(arg.id, [...(byOperand.get(arg.id) ?? []), e]);
  });
  return [...byOperand].map(([target, parts]) => {
    const sum = parts.length === 1 ? parts[0] : simplify(parts.reduce((a, b) => ({ k: "prim", prim: "add", args: [a, b] })));
    return { target, expr: forward ? reuseForward(sum, forward, inScope) : sum };
  });
}

/**
 * A local array's read adds into the element of its adjoint (`dA[i] += g`); a write passes the
 * element's adjoint to the value written (`dv += dA[i]`, the reverse sweep then zeroes dA[i]); a
 * literal passes each element's adjoint to its value. The targets and `adjAt` ids are versions
 * of the array: the reverse sweep maps them to its one adjoint array.
 */
function localContributions(op: Op, active: (id: ValueId) => boolean): Contribution[] {
  const isActive = (a: Operand): a is { kind: "value"; id: ValueId } => a.kind === "value" && active(a.id);
  if (op.prim === "load") {
    const array = op.args[0];
    if (!isActive(array)) return [];
    return [{ target: array.id, expr: { k: "adj", id: op.result }, path: op.args.slice(1).map((i) => ({ index: operandExpr(i) })) }];
  }
  if (op.prim === "store") {
    const written = op.args[op.args.length - 1];
    if (!isActive(written)) return [];
    return [{ target: written.id, expr: { k: "adjAt", id: op.result, at: op.args.slice(1, -1).map(operandExpr) } }];
  }
  if (op.prim === "arrayLiteral") {
    const byElement = new Map<ValueId, Expr[]>();
    op.args.forEach((x, k) => {
      if (isActive(x)) byElement.set(x.id, [...(byElement.get(x.id) ?? []), { k: "adjAt", id: op.result, at: [{ k: "const", value: k }] }]);
    });
    return [...byElement].map(([target, parts]) => ({
      target,
      expr: parts.reduce((a, b) => ({ k: "prim", prim: "add", args: [a, b] })),
    }));
  }
  return [];
}

function reuseForward(e: Expr, forward: ForwardIndex, inScope: (id: ValueId) => boolean): Expr {
  if (e.k !== "prim") return e;
  const id = forward.get(exprKey(e));
  if (id !== undefined && inScope(id)) return { k: "val", id };
  return { k: "prim", prim: e.prim, args: e.args.map((a) => reuseForward(a, forward, inScope)) };
}

function exprKey(e: Expr): string {
  switch (e.k) {
    case "const":
      return String(e.value);
    case "val":
      return `%${e.id}`;
    case "adj":
      return `d%${e.id}`;
    case "adjAt":
      return `d%${e.id}[${e.at.map(exprKey).join("][")}]`;
    case "role":
      return `?${e.role}`;
    case "prim":
      return `${e.prim}(${e.args.map(exprKey).join(",")})`;
  }
}

export function operandExpr(a: Operand): Expr {
  return a.kind === "value"
    ? { k: "val", id: a.id }
    : a.text === undefined
      ? { k: "const", value: a.value }
      : { k: "const", value: a.value, text: a.text };
}

/** The index expressions of a path (what reading it needs). */
export function pathExprs(path: PathStep[] | undefined): Expr[] {
  return (path ?? []).flatMap((step) => ("index" in step ? [step.index] : []));
}
