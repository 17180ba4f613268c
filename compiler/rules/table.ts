// THE derivative rules: one entry per primitive. Adding a primitive is adding one entry.
//   form:  how it is written in TypeScript (the frontend finds primitives by it)
//   needs: forward values the reverse sweep reads (the to-be-recorded analysis uses the
//          gradient itself; rules.test.ts checks it never reads more than `needs` says)
//   grad:  local gradient per operand ("partials", the engine emits `dx += partial * g`),
//          or the routed gradient per operand ("vjp"), over x, y, args, out and g
import {
  add,
  c,
  named,
  cos,
  cosh,
  div,
  eq,
  exp,
  ge,
  le,
  log,
  mul,
  neg,
  one,
  pow,
  select,
  sign,
  sin,
  sinh,
  sqrt,
  square,
  sub,
  trunc,
  two,
  zero,
} from "./dsl.js";
import { access, binary, call, callOfTagged, localArray, partials, predicate, vjp, zeroDerivative, type Rule } from "./kinds.js";

const LN2 = named(Math.LN2, "Math.LN2");
const LN10 = named(Math.LN10, "Math.LN10");

export const RULES = {
  // arithmetic
  add: partials(
    binary("+"),
    2,
    (x, y) => x + y,
    [],
    () => [one, one],
  ), // add distributes
  sub: partials(
    binary("-"),
    2,
    (x, y) => x - y,
    [],
    () => [one, c(-1)],
  ),
  mul: partials(
    binary("*"),
    2,
    (x, y) => x * y,
    ["x", "y"],
    ({ x, y }) => [y, x],
  ), // mul switches
  div: partials(
    binary("/"),
    2,
    (x, y) => x / y,
    ["y", "out"],
    ({ y, out }) => [div(one, y), div(neg(out), y)],
  ),
  // 1 / y (the lectures' 1/x gate): local gradient -1/y^2 = -out^2, no second division
  recip: partials(
    { kind: "reciprocal" },
    1,
    (x) => 1 / x,
    ["out"],
    ({ out }) => [neg(square(out))],
  ),
  neg: partials(
    { kind: "prefix", op: "-" },
    1,
    (x) => -x,
    [],
    () => [c(-1)],
  ),
  // x ** y: with a literal exponent this simplifies to the textbook `n * x ** (n - 1)`;
  // d/dy = out * log(x) is 0 where x = 0 (the limit from the right), not 0 * -Infinity
  pow: partials(
    binary("**"),
    2,
    (x, y) => x ** y,
    ["x", "y", "out"],
    ({ x, y, out }) => [mul(y, pow(x, sub(y, one))), select(eq(x, zero), zero, mul(out, log(x)))],
  ),
  // x % y = x - y * trunc(x / y)
  mod: partials(
    binary("%"),
    2,
    (x, y) => x % y,
    ["x", "y"],
    ({ x, y }) => [one, neg(trunc(div(x, y)))],
  ),

  // exponentials and logarithms
  exp: partials(call("exp"), 1, Math.exp, ["out"], ({ out }) => [out]), // reuse the result
  expm1: partials(call("expm1"), 1, Math.expm1, ["out"], ({ out }) => [add(out, one)]),
  log: partials(call("log"), 1, Math.log, ["x"], ({ x }) => [div(one, x)]),
  log1p: partials(call("log1p"), 1, Math.log1p, ["x"], ({ x }) => [div(one, add(one, x))]),
  log2: partials(call("log2"), 1, Math.log2, ["x"], ({ x }) => [div(one, mul(x, LN2))]),
  log10: partials(call("log10"), 1, Math.log10, ["x"], ({ x }) => [div(one, mul(x, LN10))]),
  sqrt: partials(call("sqrt"), 1, Math.sqrt, ["out"], ({ out }) => [div(c(0.5), out)]),
  cbrt: partials(call("cbrt"), 1, Math.cbrt, ["out"], ({ out }) => [div(one, mul(mul(c(3), out), out))]),
  // Math.pow is the same primitive as `**`; the frontend lowers it to `pow`

  // trigonometric and hyperbolic
  sin: partials(call("sin"), 1, Math.sin, ["x"], ({ x }) => [cos(x)]),
  cos: partials(call("cos"), 1, Math.cos, ["x"], ({ x }) => [neg(sin(x))]),
  tan: partials(call("tan"), 1, Math.tan, ["out"], ({ out }) => [add(one, square(out))]),
  asin: partials(call("asin"), 1, Math.asin, ["x"], ({ x }) => [div(one, sqrt(sub(one, square(x))))]),
  acos: partials(call("acos"), 1, Math.acos, ["x"], ({ x }) => [neg(div(one, sqrt(sub(one, square(x)))))]),
  atan: partials(call("atan"), 1, Math.atan, ["x"], ({ x }) => [div(one, add(one, square(x)))]),
  // atan2(y, x): the first operand is the ordinate
  atan2: partials(call("atan2"), 2, Math.atan2, ["x", "y"], ({ x: yy, y: xx }) => [
    div(xx, add(square(xx), square(yy))),
    div(neg(yy), add(square(xx), square(yy))),
  ]),
  sinh: partials(call("sinh"), 1, Math.sinh, ["x"], ({ x }) => [cosh(x)]),
  cosh: partials(call("cosh"), 1, Math.cosh, ["x"], ({ x }) => [sinh(x)]),
  tanh: partials(call("tanh"), 1, Math.tanh, ["out"], ({ out }) => [sub(one, square(out))]), // 1 - f^2
  asinh: partials(call("asinh"), 1, Math.asinh, ["x"], ({ x }) => [div(one, sqrt(add(square(x), one)))]),
  acosh: partials(call("acosh"), 1, Math.acosh, ["x"], ({ x }) => [div(one, sqrt(sub(square(x), one)))]),
  atanh: partials(call("atanh"), 1, Math.atanh, ["x"], ({ x }) => [div(one, sub(one, square(x)))]),

  // routing: the gradient goes to the chosen input (ties go to the first operand)
  max: vjp(
    call("max"),
    2,
    (x, y) => Math.max(x, y),
    ["x", "y"],
    ({ x, y, g }) => [select(ge(x, y), g, zero), select(ge(x, y), zero, g)],
  ), // max routes
  min: vjp(
    call("min"),
    2,
    (x, y) => Math.min(x, y),
    ["x", "y"],
    ({ x, y, g }) => [select(le(x, y), g, zero), select(le(x, y), zero, g)],
  ),
  // |x|: sign(x), with the subgradient 0 at 0
  abs: partials(call("abs"), 1, Math.abs, ["x"], ({ x }) => [sign(x)]),
  // hypot(x1, …, xn): xi / out, and 0 at the origin (a subgradient) instead of 0 / 0
  hypot: partials(call("hypot"), "variadic", Math.hypot, ["args", "out"], ({ args, out }) =>
    args.map((a) => select(eq(out, zero), zero, div(a, out))),
  ),

  // zero derivative wherever it exists
  floor: zeroDerivative(call("floor"), 1, Math.floor),
  ceil: zeroDerivative(call("ceil"), 1, Math.ceil),
  round: zeroDerivative(call("round"), 1, Math.round),
  trunc: zeroDerivative(call("trunc"), 1, Math.trunc),
  sign: zeroDerivative(call("sign"), 1, Math.sign),

  // arrays and records: a[i], p.W1 — the adjoint adds into the container's adjoint
  index: access({ kind: "index" }, 2),
  field: access({ kind: "field" }, 1),
  length: zeroDerivative({ kind: "length" }, 1, () => {
    throw new Error("length is evaluated on arrays, by the interpreter");
  }),

  // local arrays, written in place: allocate [fill, ...sizes] (the shape says which containers),
  // arrayLiteral [a, b, …], load [A, i, j…], store [A, i, j…, v] (a new version of A)
  allocate: localArray({ kind: "allocate" }, (n) => Array(n).fill(false)),
  arrayLiteral: localArray({ kind: "arrayLiteral" }, (n) => Array(n).fill(true)),
  load: localArray({ kind: "load" }, (n) => [true, ...Array(n - 1).fill(false)]),
  store: localArray({ kind: "store" }, (n) => [true, ...Array(n - 2).fill(false), true]),

  // f(a, b) for another tagged function f: the reverse sweep calls f's GradInto with the upstream gradient as seed
  callTagged: callOfTagged(),

  // stopGradient(x) from "adc": x at run time, a blocked path for the gradient
  stopGradient: zeroDerivative({ kind: "identity" }, 1, (x) => x),

  // comparisons and logic: booleans, for conditions (booleans carry no gradient)
  lt: predicate(binary("<"), 2, (x, y) => x < y),
  le: predicate(binary("<="), 2, (x, y) => x <= y),
  gt: predicate(binary(">"), 2, (x, y) => x > y),
  ge: predicate(binary(">="), 2, (x, y) => x >= y),
  eq: predicate(binary("==="), 2, (x, y) => x === y),
  ne: predicate(binary("!=="), 2, (x, y) => x !== y),
  and: predicate(binary("&&"), 2, (x, y) => Boolean(x) && Boolean(y)),
  or: predicate(binary("||"), 2, (x, y) => Boolean(x) || Boolean(y)),
  not: predicate({ kind: "prefix", op: "!" }, 1, (x) => !x),

  // cond ? a : b inside adjoints (routing); a ternary in user code becomes an if region, so
  // only the branch taken is differentiated
  select: {
    ...vjp(
      { kind: "select" },
      3,
      (cond, a, b) => (cond ? a : b),
      ["x"],
      ({ x: cond, g }) => [null, select(cond, g, zero), select(cond, zero, g)],
    ),
    returns: "branches",
  },
} satisfies Record<string, Rule>;

export type PrimName = keyof typeof RULES;

export function ruleOf(prim: string): Rule {
  const rule = (RULES as Record<string, Rule>)[prim];
  if (!rule) throw new Error(`no rule for primitive '${prim}'`);
  return rule;
}

/** The primitive written as `Math.<name>(…)`, if the table has one. */
export function primOfMathCall(name: string): PrimName | undefined {
  for (const [prim, rule] of Object.entries(RULES) as [PrimName, Rule][]) {
    if (rule.form.kind === "call" && rule.form.callee === `Math.${name}`) return prim;
  }
  return undefined;
}

/** The primitive written with a binary operator token such as `*`. */
export function primOfBinary(op: string): PrimName | undefined {
  for (const [prim, rule] of Object.entries(RULES) as [PrimName, Rule][]) {
    if (rule.form.kind === "binary" && rule.form.op === op) return prim;
  }
  return undefined;
}
