// Random programs over arrays: parameters x (a vector), W (a matrix), c (a number); local
// arrays a (Array), b (Float64Array) and M (a matrix) written in loops in every way the
// compiler treats specially — plain and compound writes, writes at computed indices, a running
// sum over the previous element, an element added into over an inner loop (kept in a variable),
// writes in branches, reads after later writes. Each program is compiled and its gradient
// checked against the IR interpreter (value semantics: every write copies the array, so the
// emitted code's writing in place is checked too), the adjoint interpreter, and central
// differences of the original (the programs are smooth: branches depend on indices only).
// Every third program is one of sums: s is only added to (but for a loop whose term reads s),
// and some loops add terms of the parameters alone, which the reverse sweep reverses iteration
// by iteration inside the forward loop (3-reverse/fuse-sum-loops.ts); removing its check that
// the sum is only added to makes this test fail. Some add the ReLU of a sum, whose reverse skips
// the loop when the ReLU is off (3-reverse/guard-zero-adjoints.ts; a flipped condition fails it).
// ADC_ARRAY_RUNS sets the number of programs (default 400), ADC_ARRAY_SEED the first seed; by
// default the seeds of programs that once failed are run too.
import { describe, expect, it } from "vitest";
import { compileText } from "../compiler/index.js";
import { interpret } from "../compiler/ir/interpret.js";
import { adjStmtsOf } from "../compiler/ir/adjoint.js";
import { interpretAdjoint } from "../compiler/ir/interpret-adjoint.js";
import { loadModule } from "./helpers/load.js";

const RUNS = Number(process.env.ADC_ARRAY_RUNS ?? 400);
const SEED = Number(process.env.ADC_ARRAY_SEED ?? 1);
// 1331: a value of 4e10 (central differences' rounding); 7139: a value that overflows
const ONCE_FAILED = process.env.ADC_ARRAY_RUNS || process.env.ADC_ARRAY_SEED ? [] : [1331, 7139];
const SEEDS = [...Array.from({ length: RUNS }, (_, run) => SEED + run), ...ONCE_FAILED];
const N = 3;
const R = 2;

type Rand = () => number;

function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rand, xs: T[]): T => xs[Math.floor(r() * xs.length)];

/**
 * A smooth expression of the values at index `i` (a loop counter, or a literal index). In a
 * program of sums nothing reads s: it is only added to, so its adjoint is known before every
 * loop that adds into it, and those loops are reversed iteration by iteration (fuse-sum-loops).
 */
function expr(r: Rand, sums: boolean | "params", i: string, depth = 0): string {
  const leaves =
    sums === "params"
      ? [`x[${i}]`, `W[0][${i}]`, `W[1][${i}]`, "c", "0.5", "1.5"]
      : [`x[${i}]`, `a[${i}]`, `b[${i}]`, `W[0][${i}]`, `W[1][${i}]`, `M[1][${i}]`, "c", ...(sums ? [] : ["s"]), "0.5", "1.5"];
  if (depth >= 2 || r() < 0.35) return pick(r, leaves);
  const e1 = expr(r, sums, i, depth + 1);
  const e2 = expr(r, sums, i, depth + 1);
  return pick(r, [
    `(${e1} + ${e2})`,
    `(${e1} - ${e2})`,
    `(${e1} * ${e2})`,
    `Math.sin(${e1})`,
    `Math.tanh(${e1})`,
    `0.5 * ${e1}`,
    `Math.exp(0.1 * ${e1})`,
  ]);
}

function statement(r: Rand, sums: boolean): string {
  const e = (i: string) => expr(r, sums, i);
  const k = String(Math.floor(r() * N));
  return pick(r, [
    () => `for (let i = 0; i < N; i++) a[i] = ${e("i")};`,
    () => `for (let i = 0; i < N; i++) a[i] += ${e("i")};`,
    () => `for (let i = 0; i < N; i++) b[N - 1 - i] = ${e("i")};`,
    () => `for (let i = 1; i < N; i++) b[i] += 0.5 * b[i - 1];`,
    () => `for (let j = 0; j < N; j++) {\n    for (let q = 0; q < R; q++) a[j] += W[q][j] * ${expr(r, sums, "j")};\n  }`,
    () => `for (let q = 0; q < R; q++) {\n    for (let i = 0; i < N; i++) M[q][i] += W[q][i] * ${e("i")};\n  }`,
    () =>
      `for (let j = 0; j < N; j++) {\n    for (let q = 0; q < R; q++) {\n      a[j] += W[q][j] * ${expr(r, sums, "j")};\n      a[j] = a[j] * 0.9 + 0.1 * ${expr(r, sums, "j")};\n    }\n  }`,
    () => `for (let i = 0; i < N; i++) {\n    if (i % 2 === 0) a[i] = ${e("i")};\n    else b[i] -= ${e("i")};\n  }`,
    // a batch: the array is written again in the next round, its reads in between come back from a snapshot
    () =>
      `for (let n = 0; n < 2; n++) {\n    for (let i = 0; i < N; i++) b[i] = ${e("i")};\n    for (let i = 0; i < N; i++) s += b[i] * ${e("i")};\n  }`,
    () => `a[${k}] = ${expr(r, sums, k)};`,
    () => `b[${k}] *= ${expr(r, sums, k)};`,
    () => `s += a[${k}] * ${expr(r, sums, k)};`,
    () => `for (let i = 0; i < N; i++) s += a[i] * b[i] + M[0][i];`,
    () => `const t${k} = a[${k}];\n  a[${k}] = ${expr(r, sums, k)};\n  s += t${k} * a[${k}];`,
    // sums of the parameters alone: reversed iteration by iteration, reading x and W where they are
    ...(sums
      ? [
          () => `for (let i = 0; i < N; i++) s += ${expr(r, "params", "i")};`,
          () =>
            `for (let i = 0; i < N; i++) {\n    if (i % 2 === 0) s += ${expr(r, "params", "i")};\n    else s -= 0.5 * ${expr(r, "params", "i")};\n  }`,
          () => `for (let q = 0; q < R; q++) {\n    for (let i = 0; i < N; i++) s += W[q][i] * ${expr(r, "params", "i")};\n  }`,
          // a ReLU of a sum: its reverse skips the loop when the ReLU is off (guard-zero-adjoints)
          () =>
            `{\n    let u = 0;\n    for (let i = 0; i < N; i++) u += ${expr(r, "params", "i")};\n    s += ${pick(r, ["Math.max(u, 0)", "u > 0 ? u : 0", "Math.min(0.5 * u, 0)"])};\n  }`,
          // not a sum: a term reads s (must not be reversed iteration by iteration)
          () => `for (let i = 0; i < N; i++) s += ${expr(r, "params", "i")} * (1 + 0.1 * s);`,
        ]
      : []),
  ])();
}

function program(r: Rand, sums: boolean): string {
  const count = 2 + Math.floor(r() * 5);
  const body = Array.from({ length: count }, () => statement(r, sums));
  // a later `const tK` must not repeat an earlier one
  const seen = new Set<string>();
  const unique = body.filter((st) => {
    const m = /^const (t\d)/.exec(st);
    if (!m) return true;
    if (seen.has(m[1])) return false;
    seen.add(m[1]);
    return true;
  });
  return `const N = ${N};
const R = ${R};

/** @differentiable */
export function f(x: number[], W: number[][], c: number): number {
  const a = new Array(N).fill(0);
  const b = new Float64Array(N);
  const M = Array.from({ length: R }, () => new Array(N).fill(0));
  let s = 0;
  ${unique.join("\n  ")}
  return s + a[0] * b[1] + a[N - 1] + b[0] + M[1][N - 1] * M[0][0];
}
`;
}

type Args = [number[], number[][], number];

function point(r: Rand): Args {
  const v = () => Math.round((r() * 2 - 1) * 1000) / 1000;
  return [Array.from({ length: N }, v), Array.from({ length: R }, () => Array.from({ length: N }, v)), v()];
}

/** The step of the central differences. */
const H = 1e-5;

/** Central differences of f in every entry of x, W and c. */
function central(f: (...a: Args) => number, args: Args): { x: number[]; W: number[][]; c: number } {
  const h = H;
  const at = (change: (a: Args, e: number) => Args) => (f(...change(args, h)) - f(...change(args, -h))) / (2 * h);
  const copy = (a: Args): Args => [[...a[0]], a[1].map((row) => [...row]), a[2]];
  return {
    x: args[0].map((_, i) => at((a, e) => ((a = copy(a)), (a[0][i] += e), a))),
    W: args[1].map((row, q) => row.map((_, i) => at((a, e) => ((a = copy(a)), (a[1][q][i] += e), a)))),
    c: at((a, e) => [a[0], a[1], a[2] + e]),
  };
}

const flat = (g: { x: number[]; W: number[][]; c: number }) => [...g.x, ...g.W.flat(), g.c];

describe("random programs over arrays", () => {
  it(
    `${SEEDS.length} programs: the gradient matches the interpreters and central differences`,
    async () => {
      let fused = 0;
      let guarded = 0;
      for (const seed of SEEDS) {
        const r = mulberry32(seed);
        const source = program(r, seed % 3 === 0);
        const where = `\n(seed ${seed})\n${source}`;
        const result = await compileText("random.ts", source);
        if (result.code?.includes("each iteration is reversed as it ends")) fused++;
        if ([...adjStmtsOf(result.functions[0].adjoint.reverse)].some((x) => x.kind === "guard")) guarded++;
        expect(
          result.diagnostics.map((d) => d.message),
          `diagnostics${where}`,
        ).toEqual([]);
        const original = loadModule(source, "random.ts").f as (...a: Args) => number;
        const gen = loadModule(result.code!, "random.grad.ts");
        const fGrad = gen.fGrad as (...a: Args) => { value: number; grad: { x: number[]; W: number[][]; c: number } };
        for (let p = 0; p < 2; p++) {
          const args = point(r);
          const value = original(...args);
          const emitted = fGrad(...args);
          expect(emitted.value, `value${where}`).toBe(value);
          const fn = result.functions[0];
          expect(interpret(fn.ir, args as unknown as number[]).value, `IR interpreter${where}`).toBe(value);
          const ir = interpretAdjoint(fn.adjoint, args as unknown as number[]);
          const fromIR = flat(ir.grad as unknown as { x: number[]; W: number[][]; c: number });
          const mine = flat(emitted.grad);
          // the same number, or both the same infinity or NaN (a value that overflows: seed 7139)
          const agree = (g: number, h: number) => Object.is(g, h) || Math.abs(g - h) < 1e-9 * (1 + Math.abs(g));
          mine.forEach((g, k) => expect(agree(g, fromIR[k]), `adjoint interpreter, entry ${k}: ${g} vs ${fromIR[k]}${where}`).toBe(true));
          // central differences judge where f and they are finite
          if (!Number.isFinite(value)) continue;
          const fd = flat(central(original, args));
          // truncation error, plus the rounding of f's two values divided by 2h: a program whose
          // value is 4e10 (seed 1331) differs by 0.3 at h = 1e-5 from its exact derivative
          const rounding = (4 * Number.EPSILON * Math.abs(value)) / H;
          mine.forEach((g, k) => {
            if (Number.isFinite(fd[k]))
              expect(Math.abs(g - fd[k]), `central differences, entry ${k}: ${g} vs ${fd[k]}${where}`).toBeLessThan(
                1e-5 * (1 + Math.abs(g)) + rounding,
              );
          });
        }
      }
      // the programs of sums do reach the loops reversed iteration by iteration
      if (SEEDS.length >= 100) expect(fused, "programs with a loop reversed iteration by iteration").toBeGreaterThan(SEEDS.length / 20);
      if (SEEDS.length >= 100)
        expect(guarded, "programs whose reverse skips a loop under a ReLU's condition").toBeGreaterThan(SEEDS.length / 80);
    },
    60_000 + 100 * SEEDS.length,
  );
});
