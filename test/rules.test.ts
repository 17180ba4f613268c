// The rule table, entry by entry (JAX's LAX_GRAD_OPS): every primitive of RULES has a domain
// declared here where it is smooth, and on it
//   - `eval` is the operator or Math function its `form` names,
//   - a "partials" or "vjp" rule's gradient, instantiated for one operation and interpreted,
//     agrees with central differences of `eval` — on its own and through analyse + reverse,
//   - a "zero" rule compiles to an exactly zero gradient and records nothing,
//   - the gradient reads only the forward values `needs` declares (and needs declares nothing
//     the gradient never reads), the check the to-be-recorded analysis relies on.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyse } from "../compiler/2-analysis/index.js";
import { reverse } from "../compiler/3-reverse/reverse-sweep.js";
import { walk, type Expr } from "../compiler/ir/expr.js";
import { evalExpr, interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { value, type Func, type Op, type Span } from "../compiler/ir/types.js";
import { contribution, roles } from "../compiler/rules/apply.js";
import { binary, call, partials, type Rule } from "../compiler/rules/kinds.js";
import { RULES, primOfBinary, primOfMathCall, type PrimName } from "../compiler/rules/table.js";
import { centralDifference } from "./helpers/numeric.js";

const SEED = 20240611;
const RUNS = 150;

// ---------------------------------------------------------------- domains
interface Domain {
  /** Operand tuples where the primitive is smooth: away from kinks, jumps, ties and poles. */
  points: fc.Arbitrary<number[]>;
  /** Operands the rule gives no derivative at all (select's condition). */
  noDerivative?: number[];
  /** Only these operands are compared with central differences (the others have no derivative here). */
  only?: number[];
}

const real = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true });
/** lo <= |x| <= hi, either sign. */
const magnitude = (lo: number, hi: number) => fc.tuple(real(lo, hi), fc.boolean()).map(([m, negative]) => (negative ? -m : m));
/** k + f with f in [gap, 1 - gap]: at least `gap` from every integer (floor, ceil, trunc jump there). */
const offInteger = (gap = 0.05) => fc.tuple(fc.integer({ min: -10, max: 9 }), real(gap, 1 - gap)).map(([k, f]) => k + f);
/** At least `gap` from every half-integer (round jumps there). */
const offHalfInteger = (gap = 0.05) => fc.tuple(fc.integer({ min: -10, max: 10 }), real(-0.5 + gap, 0.5 - gap)).map(([k, f]) => k + f);
/** Two operands at least `gap` apart (max and min have their kink at x = y). */
const apart = (gap: number) => fc.tuple(real(-10, 10), real(gap, 5), fc.boolean()).map(([x, d, below]) => [x, below ? x - d : x + d]);

const R = real(-10, 10);
const one = (a: fc.Arbitrary<number>): Domain[] => [{ points: a.map((x) => [x]) }];
const two = (a: fc.Arbitrary<number>, b: fc.Arbitrary<number>): Domain[] => [{ points: fc.tuple(a, b) }];

// Every entry of RULES, internal helpers included; a rule without a domain fails the first test.
type NumberPrim = Exclude<PrimName, "index" | "field" | "length" | "callTagged" | "allocate" | "arrayLiteral" | "load" | "store">;
const DOMAINS: Record<NumberPrim, Domain[]> = {
  add: two(R, R),
  sub: two(R, R),
  mul: two(R, R),
  div: two(R, magnitude(0.1, 10)),
  recip: one(magnitude(0.1, 10)),
  neg: one(R),
  pow: [
    { points: fc.tuple(real(0.1, 5), real(-3, 3)) }, // d/dy = out * log(x) needs x > 0
    { points: fc.tuple(magnitude(0.1, 5), fc.integer({ min: -3, max: 3 })), only: [0] }, // a negative base: integer exponents only, and no d/dy
  ],
  // x / y = k + f stays 0.05 from an integer, where x % y jumps
  mod: [{ points: fc.tuple(magnitude(0.5, 5), fc.integer({ min: -5, max: 4 }), real(0.05, 0.95)).map(([y, k, f]) => [(k + f) * y, y]) }],
  exp: one(real(-5, 5)),
  expm1: one(real(-5, 5)),
  log: one(real(0.05, 20)),
  log1p: one(real(-0.9, 20)),
  log2: one(real(0.05, 20)),
  log10: one(real(0.05, 20)),
  sqrt: one(real(0.01, 20)),
  cbrt: one(magnitude(0.05, 20)), // the pole of the derivative is at 0
  sin: one(R),
  cos: one(R),
  tan: one(real(-1.4, 1.4)), // poles at +-pi/2
  asin: one(real(-0.95, 0.95)),
  acos: one(real(-0.95, 0.95)),
  atan: one(R),
  // atan2(y, x) at radius >= 0.2, and away from the negative x axis where the angle jumps by 2 pi
  atan2: [{ points: fc.tuple(real(0.2, 5), real(-Math.PI + 0.05, Math.PI - 0.05)).map(([r, t]) => [r * Math.sin(t), r * Math.cos(t)]) }],
  sinh: one(real(-5, 5)),
  cosh: one(real(-5, 5)),
  tanh: one(real(-5, 5)),
  asinh: one(R),
  acosh: one(real(1.05, 20)),
  atanh: one(real(-0.95, 0.95)),
  max: [{ points: apart(1e-3) }],
  min: [{ points: apart(1e-3) }],
  abs: one(magnitude(1e-3, 10)),
  // one to four operands, away from the origin (where hypot has its cone point)
  hypot: [
    {
      points: fc
        .integer({ min: 1, max: 4 })
        .chain((n) => fc.array(real(-5, 5), { minLength: n, maxLength: n }))
        .filter((xs) => Math.hypot(...xs) >= 0.1),
    },
  ],
  floor: one(offInteger()),
  ceil: one(offInteger()),
  round: one(offHalfInteger()),
  trunc: one(offInteger()),
  sign: one(magnitude(1e-3, 10)),
  lt: [{ points: apart(1e-3) }],
  le: [{ points: apart(1e-3) }],
  gt: [{ points: apart(1e-3) }],
  ge: [{ points: apart(1e-3) }],
  eq: [{ points: apart(1e-3) }],
  ne: [{ points: apart(1e-3) }],
  // booleans are 0 and 1 to the interpreter
  and: [{ points: fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(0, 1)) }],
  or: [{ points: fc.tuple(fc.constantFrom(0, 1), fc.constantFrom(0, 1)) }],
  not: [{ points: fc.constantFrom(0, 1).map((x) => [x]) }],
  stopGradient: one(R),
  select: [{ points: fc.tuple(fc.constantFrom(0, 1), R, R), noDerivative: [0] }],
};

// ---------------------------------------------------------------- helpers
// (index, field and length read arrays and records, callTagged calls another tagged function:
// the fixtures with array parameters and calls test them)
const ON_OBJECTS = new Set<string>(["index", "field", "length", "callTagged", "allocate", "arrayLiteral", "load", "store"]);
const ENTRIES = (Object.entries(RULES) as [NumberPrim, Rule][]).filter(([name]) => !ON_OBJECTS.has(name));
const SMOOTH = ENTRIES.filter(([, r]) => r.kind !== "zero");
const ZERO = ENTRIES.filter(([, r]) => r.kind === "zero");

/** |a - b| <= 1e-6 + 1e-5 max(|a|, |b|) */
const agrees = (a: number, b: number) => Math.abs(a - b) <= 1e-6 + 1e-5 * Math.max(Math.abs(a), Math.abs(b));

const SPAN: Span = { file: "rules.test.ts", start: 0, end: 0, line: 1, col: 1 };

/** `%n = prim %0, …, %n-1`: one operation on n fresh values; the result is value n. */
function oneOp(prim: string, n: number): Op {
  return { kind: "op", result: n, prim, args: Array.from({ length: n }, (_, i) => value(i)), stmt: 0, span: SPAN };
}

/** `function f(p0, …, pn-1) { return prim(p0, …) }` as IR, every parameter in the gradient. */
function oneOpFunc(prim: string, n: number): Func {
  const params = Array.from({ length: n }, (_, i) => ({ name: `p${i}`, value: i, wrt: true, shape: { kind: "number" as const } }));
  return {
    name: prim,
    params,
    values: [
      ...params.map((p) => ({ id: p.value, hint: p.name, type: "number" as const, span: SPAN })),
      { id: n, hint: "", type: RULES[prim as PrimName].returns === "boolean" ? ("boolean" as const) : ("number" as const), span: SPAN },
    ],
    body: [oneOp(prim, n)],
    result: value(n),
    statements: [{ text: `return ${prim}(${params.map((p) => p.name).join(", ")})`, span: SPAN }],
    span: SPAN,
  };
}

/** Operand i's adjoint contribution from the rule, at operands xs with upstream gradient g; null when it has none. */
function ruleGradient(prim: PrimName, xs: number[], i: number, g: number): number | null {
  const op = oneOp(prim, xs.length);
  const e = contribution(op, i);
  if (e === null) return null;
  const values = new Map(xs.map((x, k) => [k, x]));
  values.set(op.result, RULES[prim].eval(...xs));
  return evalExpr(e, values, new Map([[op.result, g]]));
}

/** The Need a role placeholder stands for: arg0 -> x, arg1 -> y, further operands (or any of a variadic rule) -> args. */
function needOf(role: string, arity: Rule["arity"]): string {
  if (role === "g" || role === "out") return role;
  const m = /^arg(\d+)$/.exec(role);
  if (!m) return `<unknown role ${role}>`;
  if (arity === "variadic") return "args";
  return ["x", "y"][Number(m[1])] ?? "args";
}

/** Everything a rule's gradient reads besides g, as Needs (a variadic rule is instantiated with 4 operands). */
function reads(rule: Rule): Set<string> {
  const out = new Set<string>();
  for (const e of rule.grad(roles(rule.arity === "variadic" ? 4 : rule.arity))) {
    if (e) for (const n of walk(e)) if (n.k === "role" && n.role !== "g") out.add(needOf(n.role, rule.arity));
  }
  return out;
}

/** What a rule's gradient reads that its `needs` does not declare. */
function undeclaredReads(rule: Rule): string[] {
  return [...reads(rule)].filter((r) => !(rule.needs as string[]).includes(r));
}

/** The operator or Math function a rule's form names, evaluated by JavaScript itself. */
function reference(rule: Rule): (...xs: number[]) => number {
  const form = rule.form;
  switch (form.kind) {
    case "call": {
      const fn = (Math as unknown as Record<string, (...xs: number[]) => number>)[form.callee.replace(/^Math\./, "")];
      return (...xs) => fn(...xs);
    }
    case "binary":
      return new Function("x", "y", `return Number(x ${form.op} y);`) as (x: number, y: number) => number;
    case "prefix":
      return form.op === "-" ? (x) => -x : (x) => Number(!x);
    case "reciprocal":
      return (x) => 1 / x;
    case "identity":
      return (x) => x;
    case "select":
      return (cond, a, b) => (cond ? a : b);
    case "index":
    case "field":
    case "length":
    case "callTagged":
    case "allocate":
    case "arrayLiteral":
    case "load":
    case "store":
      throw new Error(`${form.kind} works on arrays, records or other functions`);
  }
}

const upstream = fc.double({ min: -3, max: 3, noNaN: true }).filter((g) => Math.abs(g) >= 0.1);

// ---------------------------------------------------------------- the table as a whole
describe("the rule table", () => {
  it("declares a domain in this file for every rule on numbers", () => {
    expect(Object.keys(DOMAINS).sort()).toEqual(
      Object.keys(RULES)
        .filter((k) => !ON_OBJECTS.has(k))
        .sort(),
    );
  });

  it("finds each primitive by its form (no two entries share a form)", () => {
    for (const [name, rule] of ENTRIES) {
      if (rule.form.kind === "call") expect(primOfMathCall(rule.form.callee.replace(/^Math\./, "")), name).toBe(name);
      if (rule.form.kind === "binary") expect(primOfBinary(rule.form.op), name).toBe(name);
    }
  });

  it("the needs check catches a rule that reads a value it does not declare", () => {
    // Both fakes have correct gradients (central differences would pass them); only `needs` is wrong.
    const expReadsOut = partials(call("exp"), 1, Math.exp, [], ({ out }) => [out]);
    const mulForgetsY = partials(
      binary("*"),
      2,
      (x, y) => x * y,
      ["x"],
      ({ x, y }) => [y, x],
    );
    const hypotForgetsArgs = partials(call("hypot"), "variadic", Math.hypot, ["out"], ({ args, out }) =>
      args.map((a) => ({ k: "prim", prim: "div", args: [a, out] }) as Expr),
    );
    expect(undeclaredReads(expReadsOut)).toEqual(["out"]);
    expect(undeclaredReads(mulForgetsY)).toEqual(["y"]);
    expect(undeclaredReads(hypotForgetsArgs)).toEqual(["args"]);
    expect(undeclaredReads(RULES.exp)).toEqual([]);
  });
});

// ---------------------------------------------------------------- entry by entry
describe.each(ENTRIES)("%s", (name, rule) => {
  const domains = DOMAINS[name] ?? [];

  it("evaluates as the operator or Math function it is written as", () => {
    const ref = reference(rule);
    for (const [k, d] of domains.entries()) {
      for (const xs of fc.sample(d.points, { seed: SEED + k, numRuns: 10 })) {
        expect(
          Object.is(rule.eval(...xs), ref(...xs)),
          `${name}(${xs.join(", ")}): eval ${rule.eval(...xs)}, JavaScript ${ref(...xs)}`,
        ).toBe(true);
      }
    }
  });

  it("reads only the forward values its `needs` declares", () => {
    expect(undeclaredReads(rule)).toEqual([]);
  });

  it("declares in `needs` only values its gradient reads", () => {
    expect([...rule.needs].sort()).toEqual([...reads(rule)].sort());
  });
});

describe.each(SMOOTH.map(([name]) => name))("%s (partials or vjp)", (name) => {
  it("gives the gradient of central differences, from the rule and through analyse + reverse", () => {
    for (const [k, d] of DOMAINS[name].entries()) {
      fc.assert(
        fc.property(d.points, upstream, (xs, g) => {
          const f = oneOpFunc(name, xs.length);
          const adjoint = reverse(analyse(f));
          const run = interpretAdjoint(adjoint, xs, g);
          expect(Object.is(run.value, RULES[name].eval(...xs))).toBe(true);
          for (let i = 0; i < xs.length; i++) {
            const fromRule = ruleGradient(name, xs, i, g);
            if (d.noDerivative?.includes(i)) {
              expect(fromRule, `${name}: operand ${i} has no derivative`).toBeNull();
              expect(run.grad[`p${i}`]).toBe(0);
              continue;
            }
            expect(fromRule, `${name}: operand ${i} has a derivative`).not.toBeNull();
            if (d.only && !d.only.includes(i)) continue;
            const fd = g * centralDifference(RULES[name].eval, xs, i);
            const where = `${name}(${xs.join(", ")}), operand ${i}, g = ${g}`;
            expect(agrees(fromRule!, fd), `${where}: rule ${fromRule}, central difference ${fd}`).toBe(true);
            expect(agrees(run.grad[`p${i}`], fd), `${where}: reverse sweep ${run.grad[`p${i}`]}, central difference ${fd}`).toBe(true);
          }
          // what the one operation records is what `needs` declares: operands by role, the result as out
          for (const id of adjoint.record) {
            const need = id === xs.length ? "out" : needOf(`arg${id}`, RULES[name].arity);
            expect(RULES[name].needs as string[], `${name} records ${need}`).toContain(need);
          }
        }),
        { seed: SEED + k, numRuns: RUNS },
      );
    }
  });
});

describe.each(ZERO)("%s (zero derivative)", (name, rule: Rule) => {
  it("compiles to an exactly zero gradient, with nothing recorded and no reverse sweep", () => {
    const n = rule.arity as number;
    const f = oneOpFunc(name, n);
    const analysed = analyse(f);
    expect(analysed.activity.active.has(n)).toBe(false);
    expect([...analysed.record]).toEqual([]);
    const adjoint = reverse(analysed);
    expect(adjoint.reverse).toEqual([]);
    expect(adjoint.gradients.map((g) => g.adjoint)).toEqual(Array(n).fill(null));
    for (let i = 0; i < n; i++) expect(contribution(oneOp(name, n), i)).toBeNull();
    for (const xs of fc.sample(DOMAINS[name][0].points, { seed: SEED, numRuns: 20 })) {
      const run = interpretAdjoint(adjoint, xs, 1.5);
      expect(Object.is(run.value, rule.eval(...xs))).toBe(true);
      for (let i = 0; i < n; i++) expect(Object.is(run.grad[`p${i}`], 0), `${name}(${xs}): grad p${i} = ${run.grad[`p${i}`]}`).toBe(true);
    }
  });

  // stopGradient is the identity at run time: its derivative is zero by decree, not because it is flat
  // (stopGradient is the identity at run time: its derivative is zero by definition, not flat)
  if (name !== "stopGradient")
    it("is flat on its domain (central differences are 0)", () => {
      fc.assert(
        fc.property(DOMAINS[name][0].points, (xs) => {
          for (let i = 0; i < xs.length; i++) expect(centralDifference(rule.eval, xs, i), `${name}(${xs}) operand ${i}`).toBe(0);
        }),
        { seed: SEED, numRuns: RUNS },
      );
    });
});
