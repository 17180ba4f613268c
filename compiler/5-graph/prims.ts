// The rule table as the graph's engine reads it (engine.ts `Prims`): here, the rules' own
// evaluators and gradient templates; for the HTML page, the same templates printed as
// JavaScript, so the page computes exactly what the table says.
import type { Expr } from "../ir/expr.js";
import type { Block } from "../ir/types.js";
import { opsOf } from "../ir/types.js";
import { roles } from "../rules/apply.js";
import { ruleOf } from "../rules/table.js";
import type { Program, Prims } from "./engine.js";

/** The rule table, evaluated in place. */
export const nodePrims: Prims = {
  kind: (prim) => ruleOf(prim).kind,
  evaluate: (prim, xs) => ruleOf(prim).eval(...xs),
  grad: (prim, xs, out, g) =>
    ruleOf(prim)
      .grad(roles(xs.length))
      .map((e) => (e === null ? null : evalTemplate(e, xs, out, g))),
};

function evalTemplate(e: Expr, xs: number[], out: number, g: number): number {
  switch (e.k) {
    case "const":
      return e.value;
    case "role":
      return e.role === "out" ? out : e.role === "g" ? g : xs[Number(e.role.slice(3))];
    case "prim":
      return ruleOf(e.prim).eval(...e.args.map((a) => evalTemplate(a, xs, out, g)));
    default:
      throw new Error(`a rule template reads ${e.k}`);
  }
}

/**
 * The same table for the page, as JavaScript source: an object with kind, evaluate and grad,
 * holding only the primitives `programs` use (at the arities they use them).
 */
export function primsSource(programs: Program[]): string {
  const used = new Map<string, Set<number>>();
  const visit = (p: Program) => {
    for (const op of opsOf(p.body as Block)) {
      if (!used.has(op.prim)) used.set(op.prim, new Set());
      used.get(op.prim)!.add(op.args.length);
    }
    for (const c of Object.values(p.callees)) if (c) visit(c);
  };
  programs.forEach(visit);
  const kinds: Record<string, string> = {};
  const evals: string[] = [];
  const grads: string[] = [];
  for (const [prim, arities] of [...used].sort((a, b) => a[0].localeCompare(b[0]))) {
    const rule = ruleOf(prim);
    kinds[prim] = rule.kind;
    // (reads, writes and calls are the engine's own; so is `length`)
    if (!PRINTABLE.has(rule.form.kind)) continue;
    for (const n of [...arities].sort((a, b) => a - b)) {
      const xs = Array.from({ length: n }, (_, i) => `x${i}`);
      evals.push(`${JSON.stringify(`${prim}/${n}`)}: (${xs.join(", ")}) => ${js(template(prim, n), xs)}`);
      const g = rule.grad(roles(n)).map((e) => (e === null ? "null" : js(e, xs)));
      grads.push(`${JSON.stringify(`${prim}/${n}`)}: (${xs.join(", ")}, out, g) => [${g.join(", ")}]`);
    }
  }
  return [
    "({",
    `  kinds: ${JSON.stringify(kinds)},`,
    `  evals: {\n    ${evals.join(",\n    ")}\n  },`,
    `  grads: {\n    ${grads.join(",\n    ")}\n  },`,
    "  kind(prim) { return this.kinds[prim]; },",
    "  evaluate(prim, xs) { return Number(this.evals[prim + '/' + xs.length](...xs)); },",
    "  grad(prim, xs, out, g) { return this.grads[prim + '/' + xs.length](...xs, out, g); },",
    "})",
  ].join("\n");
}

const PRINTABLE = new Set(["binary", "prefix", "call", "reciprocal", "select", "identity"]);

/** The primitive applied to its operands, as a template (`x0 + x1`). */
function template(prim: string, n: number): Expr {
  return { k: "prim", prim, args: roles(n).args };
}

/** An expression over the roles as JavaScript, each primitive written in its form from the table. */
function js(e: Expr, xs: string[]): string {
  switch (e.k) {
    case "const":
      return Object.is(e.value, -0)
        ? "-0"
        : Number.isFinite(e.value)
          ? `(${e.value})`
          : e.value > 0
            ? "Infinity"
            : e.value < 0
              ? "-Infinity"
              : "NaN";
    case "role":
      return e.role === "out" ? "out" : e.role === "g" ? "g" : xs[Number(e.role.slice(3))];
    case "prim": {
      const a = e.args.map((x) => js(x, xs));
      const form = ruleOf(e.prim).form;
      const bool = ruleOf(e.prim).returns === "boolean";
      const wrap = (s: string) => (bool ? `Number(${s})` : s);
      switch (form.kind) {
        case "binary":
          return wrap(
            form.op === "&&" || form.op === "||" ? `(Boolean(${a[0]}) ${form.op} Boolean(${a[1]}))` : `(${a[0]} ${form.op} ${a[1]})`,
          );
        case "prefix":
          return wrap(form.op === "!" ? `(!${a[0]})` : `(-${a[0]})`);
        case "call":
          return `${form.callee}(${a.join(", ")})`;
        case "reciprocal":
          return `(1 / ${a[0]})`;
        case "select":
          return `(${a[0]} ? ${a[1]} : ${a[2]})`;
        case "identity":
          return a[0];
        default:
          throw new Error(`no JavaScript form for '${e.prim}'`);
      }
    }
    default:
      throw new Error(`a rule template reads ${e.k}`);
  }
}
