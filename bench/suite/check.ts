// The agreement checks of the benchmark suite, shared by bench/suite.ts (before any timing) and
// test/bench-agreement.test.ts: values against the forward function, gradients against each
// other, against central differences, and the fGradInto contract (ADD seed * gradient).
// Each returns the problems it found (empty: agreement) and the worst relative difference seen.

import type { Args, ValueAndGrad } from "./types.js";
import type { Workload } from "./workloads.js";

export interface Agreement {
  problems: string[];
  /** The largest relative difference between gradients seen (for the report). */
  worst: number;
}

export interface Tolerances {
  /** Values against the forward function, relative. */
  value: number;
  /** Gradient entries, relative to the larger of the two, or to floor * the largest entry of the reference. */
  grad: number;
  floor: number;
}

/** Exact-arithmetic variants (doubles, the same sums in other orders). */
export const DOUBLE: Tolerances = { value: 1e-12, grad: 1e-9, floor: 1e-9 };

/**
 * Comparison libraries may compute in float32: differences relative to the gradient's largest
 * entry (float32 rounding over sums of a few thousand terms).
 */
export const LIBRARY: Tolerances = { value: 1e-3, grad: 2e-3, floor: 1 };

const MAX_REPORTED = 5;

function compare(name: string, ref: string, got: Float64Array, want: Float64Array, tol: Tolerances, where: string, out: Agreement): void {
  if (got.length !== want.length) {
    out.problems.push(`${name}: gradient of ${got.length} entries, ${ref} has ${want.length} ${where}`);
    return;
  }
  let big = 0;
  for (const v of want) big = Math.max(big, Math.abs(v));
  let reported = 0;
  for (let k = 0; k < got.length; k++) {
    const a = got[k];
    const b = want[k];
    if (!Number.isFinite(a)) {
      if (reported++ < MAX_REPORTED) out.problems.push(`${name}: entry ${k} = ${a} ${where}`);
      continue;
    }
    const err = Math.abs(a - b) / Math.max(tol.floor * big, Math.abs(a), Math.abs(b), Number.MIN_VALUE);
    out.worst = Math.max(out.worst, err);
    if (err > tol.grad && reported++ < MAX_REPORTED)
      out.problems.push(`${name}: entry ${k} = ${a}, ${ref} ${b} (relative ${err.toExponential(2)}) ${where}`);
  }
}

/**
 * The variants of one workload at args: every value equals the forward function's (within
 * tol.value), every gradient equals the first variant's (within tol), Into variants add
 * seed * gradient (one more call with seed 2.5 gives 3.5 times the gradient).
 */
export function agreeAt(
  w: Workload,
  args: Args,
  variants: [string, ValueAndGrad & { addMore?: (a: Args, seed: number) => number }][],
  tol: Tolerances,
  where: string,
): Agreement & { gradients: Float64Array[] } {
  const out: Agreement & { gradients: Float64Array[] } = { problems: [], worst: 0, gradients: [] };
  const value = w.value(args);
  let first: [string, Float64Array] | undefined;
  for (const [name, v] of variants) {
    let got: number;
    let g: Float64Array;
    try {
      got = v.run(args);
      g = v.lastGradient();
    } catch (e) {
      out.problems.push(`${name}: ${e instanceof Error ? e.message : String(e)} ${where}`);
      continue;
    }
    out.gradients.push(g);
    if (!(Math.abs(got - value) <= tol.value * Math.max(Math.abs(value), 1e-300)))
      out.problems.push(`${name}: value ${got}, forward ${value} ${where}`);
    if (!first) first = [name, g];
    else compare(name, first[0], g, first[1], tol, where, out);
    if (v.addMore) {
      v.addMore(args, 2.5);
      const g2 = v.lastGradient();
      const want = g.map((x) => 3.5 * x); // relative to the largest entry: a batch's sums cancel, and g + 2.5 g rounds differently from 3.5 g
      const sub: Agreement = { problems: [], worst: 0 };
      compare(`${name} (seed 2.5 added)`, "3.5 x its gradient", g2, want, { value: 0, grad: 1e-12, floor: 1 }, where, sub);
      out.problems.push(...sub.problems);
    }
  }
  return out;
}

/** adc (Into and Grad) and hand against the forward value, each other and central differences; small instances. */
export function checkSmall(w: Workload, h = 1e-6, rel = 1e-6): Agreement {
  const out: Agreement = { problems: [], worst: 0 };
  w.argSets.forEach((args, s) => {
    const where = `(${w.name}, small instance, argument set ${s})`;
    const a = agreeAt(
      w,
      args,
      [
        ["adc fGradInto", w.adcInto],
        ["adc fGrad", w.adcGrad],
        ["hand", w.hand],
      ],
      DOUBLE,
      where,
    );
    out.problems.push(...a.problems);
    out.worst = Math.max(out.worst, a.worst);
    const fd = w.centralDifferences(args, h);
    if (fd.length !== w.size) out.problems.push(`central differences: ${fd.length} entries, the gradient ${w.size} ${where}`);
    const names = ["adc fGradInto", "adc fGrad", "hand"];
    a.gradients.forEach((g, j) =>
      compare(names[j], "central difference", g, fd, { value: 0, grad: rel, floor: 1 / Math.max(1e-300, maxAbs(fd)) }, where, out),
    );
  });
  return out;
}

function maxAbs(xs: Float64Array): number {
  let m = 0;
  for (const v of xs) m = Math.max(m, Math.abs(v));
  return m;
}

/** The timed instances: adc (Into and Grad) against hand, in doubles. */
export function checkFull(w: Workload): Agreement {
  const out: Agreement = { problems: [], worst: 0 };
  w.argSets.forEach((args, s) => {
    const a = agreeAt(
      w,
      args,
      [
        ["hand", w.hand],
        ["adc fGradInto", w.adcInto],
        ["adc fGrad", w.adcGrad],
      ],
      DOUBLE,
      `(${w.name}, argument set ${s})`,
    );
    out.problems.push(...a.problems);
    out.worst = Math.max(out.worst, a.worst);
  });
  return out;
}

/** A comparison library's variant against the hand adjoint, on both argument sets (float32 tolerances). */
export function checkLibrary(w: Workload, name: string, v: ValueAndGrad): Agreement {
  const out: Agreement = { problems: [], worst: 0 };
  w.argSets.forEach((args, s) => {
    const a = agreeAt(
      w,
      args,
      [
        ["hand", w.hand],
        [name, v],
      ],
      LIBRARY,
      `(${w.name}, argument set ${s})`,
    );
    out.problems.push(...a.problems);
    out.worst = Math.max(out.worst, a.worst);
  });
  return out;
}
