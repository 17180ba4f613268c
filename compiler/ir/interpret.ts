// The IR interpreter: runs a Func, or an adjoint program, on numbers. It is the test oracle
// (it must agree with the original TypeScript and with the emitted code) and will draw the
// graph pictures (every value of the forward sweep, every adjoint of the reverse sweep).
import { ruleOf } from "../rules/table.js";
import type { Adjoint } from "./adjoint.js";
import type { Expr } from "./expr.js";
import type { Func, Operand, ValueId } from "./types.js";

export interface Run {
  value: number;
  /** Every value computed, by id. */
  values: Map<ValueId, number>;
}

export function interpret(f: Func, args: number[]): Run {
  const values = bindParams(f, args);
  for (const op of f.body) values.set(op.result, ruleOf(op.prim).eval(...op.args.map((a) => operand(a, values))));
  return { value: operand(f.result, values), values };
}

export interface GradientRun extends Run {
  /** Gradient record entries by parameter name (wrt parameters only). */
  grad: Record<string, number>;
  /** Every adjoint computed, by id. */
  adjoints: Map<ValueId, number>;
}

export function interpretAdjoint(a: Adjoint, args: number[], seed = 1): GradientRun {
  const values = bindParams(a.func, args);
  for (const op of a.forward) values.set(op.result, ruleOf(op.prim).eval(...op.args.map((x) => operand(x, values))));
  const adjoints = new Map<ValueId, number>();
  for (const u of a.reverse) {
    const v = evalExpr(u.expr, values, adjoints, seed);
    adjoints.set(u.target, u.mode === "init" ? v : (adjoints.get(u.target) ?? NaN) + v);
  }
  const grad: Record<string, number> = {};
  for (const { param, adjoint } of a.gradients) grad[param.name] = adjoint === null ? 0 : adjoints.get(adjoint)!;
  return { value: operand(a.func.result, values), values, grad, adjoints };
}

export function evalExpr(e: Expr, values: Map<ValueId, number>, adjoints: Map<ValueId, number>, seed = 1): number {
  switch (e.k) {
    case "const":
      return e.value;
    case "val":
      return mustGet(values, e.id, "value");
    case "adj":
      return mustGet(adjoints, e.id, "adjoint");
    case "role":
      if (e.role === "seed") return seed;
      throw new Error(`unbound role ${e.role}`);
    case "prim":
      return ruleOf(e.prim).eval(...e.args.map((x) => evalExpr(x, values, adjoints, seed)));
  }
}

function bindParams(f: Func, args: number[]): Map<ValueId, number> {
  if (args.length !== f.params.length) throw new Error(`${f.name} takes ${f.params.length} arguments, got ${args.length}`);
  return new Map(f.params.map((p, i) => [p.value, args[i]]));
}

function operand(a: Operand, values: Map<ValueId, number>): number {
  return a.kind === "const" ? a.value : mustGet(values, a.id, "value");
}

function mustGet(m: Map<ValueId, number>, id: ValueId, what: string): number {
  const v = m.get(id);
  if (v === undefined) throw new Error(`${what} %${id} read before it is computed`);
  return v;
}
