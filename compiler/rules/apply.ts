// Instantiates a rule for one operation: its gradient template with the operation's operands,
// result and upstream adjoint filled in, simplified. The analyses and the reverse sweep both
// read the rules only through here, so what is recorded is exactly what the adjoint reads.
import type { Expr } from "../ir/expr.js";
import { substitute } from "../ir/expr.js";
import { simplify } from "../ir/simplify.js";
import type { Op, Operand } from "../ir/types.js";
import type { Roles, Rule } from "./kinds.js";
import { ruleOf } from "./table.js";

/** The roles a rule template is written over, as placeholders (for checking and instantiating). */
export function roles(arity: number): Roles {
  const args = Array.from({ length: arity }, (_, i): Expr => ({ k: "role", role: `arg${i}` }));
  return { x: args[0], y: args[1], args, out: { k: "role", role: "out" }, g: { k: "role", role: "g" } };
}

/** Which operands of `prim` (with `arity` operands) have a derivative at all. */
export function differentiableOperands(rule: Rule, arity: number): boolean[] {
  if (rule.kind === "zero") return Array(arity).fill(false);
  return rule.grad(roles(arity)).map((e) => e !== null);
}

/** `op`'s contribution to the adjoint of operand i: partial * g (or the rule's routed vjp), simplified; null when none. */
export function contribution(op: Op, i: number): Expr | null {
  const rule = ruleOf(op.prim);
  if (rule.kind === "zero") return null;
  const template = rule.grad(roles(op.args.length))[i];
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

export function operandExpr(a: Operand): Expr {
  return a.kind === "value" ? { k: "val", id: a.id } : a.text === undefined ? { k: "const", value: a.value } : { k: "const", value: a.value, text: a.text };
}
