// Algebraic clean-up of expression trees built by the rules: `1 * g` -> `g`, `2 ** 1` folded,
// signs pulled out so the reverse sweep can write `dy -= …`. Every rewrite is exact in IEEE
// arithmetic except dropping `0 * e`, which is the point: a contribution that is zero by
// construction is skipped, never multiplied out (so an Infinity in `e` cannot make it NaN).
import { ruleOf } from "../rules/table.js";
import { sameExpr, type Expr } from "./expr.js";

// not type guards on purpose: a failed test must not narrow `e`
const isConst = (e: Expr, v?: number): boolean => e.k === "const" && e.text === undefined && (v === undefined || Object.is(e.value, v));
const valueOf = (e: Expr): number => (e as Extract<Expr, { k: "const" }>).value;
type PrimExpr = Extract<Expr, { k: "prim" }>;
const isPrim = (e: Expr, prim: string): boolean => e.k === "prim" && e.prim === prim;
const argsOf = (e: Expr): Expr[] => (e as PrimExpr).args;
const c = (value: number): Expr => ({ k: "const", value });
const p = (prim: string, ...args: Expr[]): Expr => ({ k: "prim", prim, args });

export function simplify(e: Expr): Expr {
  if (e.k !== "prim") return e;
  const args = e.args.map(simplify);
  // fold operations on literals, named ones too (`Math.log(Math.E)` is 1); a named literal
  // alone stays as it is written
  if (args.every((a) => a.k === "const")) return c(ruleOf(e.prim).eval(...args.map((a) => (a as { value: number }).value)));
  const [a, b] = args;
  switch (e.prim) {
    case "mul":
      if (isConst(a, 0) || isConst(b, 0)) return c(0);
      if (isConst(a, 1)) return b;
      if (isConst(b, 1)) return a;
      if (isConst(a, -1)) return simplify(p("neg", b));
      if (isConst(b, -1)) return simplify(p("neg", a));
      // -2 * e -> -(2 * e), exact in IEEE arithmetic, so accumulation can write `dx -= 2 * e`
      if (isConst(a) && valueOf(a) < 0) return p("neg", p("mul", c(-valueOf(a)), b));
      if (isPrim(a, "neg")) return simplify(p("neg", p("mul", argsOf(a)[0], b)));
      if (isPrim(b, "neg")) return simplify(p("neg", p("mul", a, argsOf(b)[0])));
      // (1 / y) * g -> g / y
      if (isPrim(a, "div") && isConst(argsOf(a)[0], 1)) return p("div", b, argsOf(a)[1]);
      // (-u / y) * g -> -((u / y) * g)
      if (isPrim(a, "div") && isPrim(argsOf(a)[0], "neg")) return p("neg", p("mul", p("div", argsOf(argsOf(a)[0])[0], argsOf(a)[1]), b));
      break;
    case "div":
      if (isConst(a, 0)) return c(0);
      if (isConst(b, 1)) return a;
      break;
    case "add":
      if (isConst(a, 0)) return b;
      if (isConst(b, 0)) return a;
      // u * g + v * g -> (u + v) * g: one upstream factor, as a person would write it
      // (so x * g + x * g becomes 2 * x * g, left to right)
      if (isPrim(a, "mul") && isPrim(b, "mul") && sameExpr(argsOf(a)[1], argsOf(b)[1])) {
        return simplify(p("mul", p("add", argsOf(a)[0], argsOf(b)[0]), argsOf(a)[1]));
      }
      // e + e -> 2 * e (an operand used twice by one operation: x * x)
      if (sameExpr(a, b)) return simplify(p("mul", c(2), a));
      break;
    case "sub":
      if (isConst(b, 0)) return a;
      if (isConst(a, 0)) return simplify(p("neg", b));
      break;
    case "neg":
      if (isPrim(a, "neg")) return argsOf(a)[0];
      break;
    case "pow":
      if (isConst(b, 1)) return a;
      if (isConst(b, 0)) return c(1);
      break;
    case "select":
      // a known condition, or both branches the same: no choice to make
      if (args[0].k === "const") return valueOf(args[0]) ? args[1] : args[2];
      if (sameExpr(args[1], args[2])) return args[1];
      break;
  }
  return { k: "prim", prim: e.prim, args };
}

/** True when the expression is the literal 0: a contribution that is skipped. */
export const isZero = (e: Expr): boolean => isConst(e, 0);
