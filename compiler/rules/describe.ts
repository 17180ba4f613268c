// The rules in the lectures' words, for people reading the gradients: the pattern of a gate's
// backward flow (add distributes, mul switches, max routes) and a rule's local gradient as a
// formula over names. Used by `adc --explain` and by the graph pictures.
import type { Expr } from "../ir/expr.js";
import { roles } from "./apply.js";
import { ruleOf } from "./table.js";

/** A gate's backward pattern in a few words; `wires`: how many of its operands carry a gradient. */
export function patternName(prim: string, wires = 2): string {
  switch (prim) {
    case "add":
      return wires > 1 ? "add distributes" : "add of a constant passes the gradient through";
    case "sub":
      return "sub distributes (negated for the subtracted input)";
    case "mul":
      return wires > 1 ? "mul switches" : "mul by a constant scales";
    case "max":
    case "min":
      return `${prim} routes`;
    case "exp":
      return "exp reuses its output";
    case "neg":
      return "*-1 flips the sign";
    case "recip":
      return "1/x";
    case "abs":
      return "abs routes by the sign";
    default: {
      const form = ruleOf(prim).form;
      return form.kind === "call" ? form.callee.replace(/^Math\./, "") : prim;
    }
  }
}

/**
 * The local gradient of operand k as a formula over the operands' names and the output's
 * (`z`, `-out²`), from the rule table; for a routing rule, 1 or 0 as the condition says.
 */
export function localGradientText(prim: string, k: number, names: string[], out: string): string | undefined {
  const rule = ruleOf(prim);
  if (rule.kind !== "partials" && rule.kind !== "vjp") return undefined;
  const e = rule.grad(roles(names.length))[k];
  return e ? exprText(e, names, out) : undefined;
}

function exprText(e: Expr, names: string[], out: string): string {
  switch (e.k) {
    case "const":
      return e.text ?? String(e.value);
    case "role":
      return e.role === "out" ? out : e.role === "g" ? "1" : names[Number(e.role.slice(3))];
    case "prim": {
      const a = e.args.map((x) => exprText(x, names, out));
      const form = ruleOf(e.prim).form;
      const wrap = (s: string) => (/^[\w.]+$/.test(s) ? s : `(${s})`);
      if (e.prim === "mul" && a[0] === a[1]) return `${wrap(a[0])}²`;
      switch (form.kind) {
        case "binary":
          return `${wrap(a[0])} ${form.op} ${wrap(a[1])}`;
        case "prefix":
          return `${form.op}${wrap(a[0])}`;
        case "call":
          return `${form.callee.replace(/^Math\./, "")}(${a.join(", ")})`;
        case "reciprocal":
          return `1 / ${wrap(a[0])}`;
        case "select":
          return `${wrap(a[0])} ? ${a[1]} : ${a[2]}`;
        default:
          return `${e.prim}(${a.join(", ")})`;
      }
    }
    default:
      return "?";
  }
}
