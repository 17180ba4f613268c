// The suite's workloads (bench/suite/types.ts is the contract): per workload, two deterministic
// argument sets, the forward function, adc's fGradInto and fGrad (from the generated module,
// bench/suite/functions.grad.ts, passed in: it is written at run time) and the hand adjoint
// (bench/suite/hand.ts), each as a ValueAndGrad whose lastGradient() flattens the gradient in
// the contract's order, plus central differences. makeWorkloads(gen, "full") gives the timed
// sizes of types.ts, makeWorkloads(gen, "small") the same code on small instances for checks.
//
// Timing: every variant also has loop(calls), a batch of calls alternating the two argument sets
// (calls even: both sets equally), and after(), run outside the clock (reads the Into variants'
// record into a sink and zeroes it: the record accumulates over a batch, as in a training loop).
// Each loop is compiled from its own source text (new Function, with a unique comment: V8 caches
// dynamic functions by source), so it has its own type feedback: its call to the variant is
// monomorphic and V8 may inline it, exactly as in a user's hot loop (closures made from one
// function literal share their feedback, and a loop shared by all variants would make the call
// megamorphic, which costs tens of ns per call: as much as the whole neuron). The arguments are
// read into the loop's closure once, as locals.
//
// Data: arrays are built by push from doubles, so parameter and data rows are
// PACKED_DOUBLE_ELEMENTS (a user's Float64 data in plain arrays); integer labels are
// PACKED_SMI_ELEMENTS, as a user's would be. Gradient records are made of double arrays from the
// start (a row started from Smi zeros would change elements kind on its first store). The
// generic code here (copies, records) reads elements only through builtins (slice, map, every,
// fill, set) or through sites that see one elements kind: a keyed load that TurboFan sees with
// both PACKED_ELEMENTS (an array of rows) and PACKED_DOUBLE_ELEMENTS (a row) may transition the
// rows to PACKED_ELEMENTS, after which every gradient store boxes a number (bench/normwx.ts).

import * as F from "./functions.js";
import * as H from "./hand.js";
import type { Args, ValueAndGrad, WorkloadName } from "./types.js";
import { WORKLOADS } from "./types.js";

/** The generated module, bench/suite/functions.grad.ts: `${fn}Grad`, `${fn}GradInto`, `${fn}GradStacks`. */
export type GradModule = Record<string, unknown>;

export type Scale = "full" | "small";

/** A variant ready to time: value and gradient (ValueAndGrad, for the checks) and a batch loop. */
export interface Timed extends ValueAndGrad {
  /** Into variants: one more call with this seed, adding into the record of the last run (checks the contract: ADD seed * gradient). */
  addMore?(args: Args, seed: number): number;
  /** `calls` calls (even), alternating the two argument sets; returns the sum of the values. */
  loop(calls: number): number;
  /** Outside the clock, after a batch: reads what the batch wrote into a number and resets it. */
  after(): number;
}

export interface Workload {
  name: WorkloadName;
  /** The function's name in functions.ts (and the generated module's `${fn}GradInto`...). */
  fn: string;
  /** One line: sizes and what is differentiated. */
  title: string;
  argSets: [Args, Args];
  /** Entries of the flattened gradient. */
  size: number;
  value(args: Args): number;
  forward: Timed;
  adcInto: Timed;
  adcGrad: Timed;
  hand: Timed;
  /** Central differences of the forward function at args, in the flattened gradient's order. */
  centralDifferences(args: Args, h?: number): Float64Array;
  /** Bytes adc's stacks hold at their peak in one call (the larger of the two argument sets). */
  stackBytes(): number;
  /** The parameters with gradient 0 (sizes, counts): their record fields must stay 0. */
  zeroFields: string[];
}

// ---------------------------------------------------------------------------------------
// Data.

function lcg(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
}

/** An array of n doubles from fill(), PACKED_DOUBLE_ELEMENTS (a 1e-9 offset keeps every value a non-integer). */
function doubles(n: number, fill: () => number): number[] {
  const a: number[] = [];
  for (let j = 0; j < n; j++) a.push(fill() + 1e-9);
  return a;
}

/** m rows made by row(), in an array built by push (PACKED_ELEMENTS, as parsed or pushed data is; map and Array.from make HOLEY_ELEMENTS). */
function rows<T>(m: number, row: (i: number) => T): T[] {
  const a: T[] = [];
  for (let i = 0; i < m; i++) a.push(row(i));
  return a;
}

const matrix = (m: number, n: number, fill: () => number) => rows(m, () => doubles(n, fill));

/** Integers in [0, k), PACKED_SMI_ELEMENTS. */
function labels(n: number, k: number, rand: () => number): number[] {
  const a: number[] = [];
  for (let j = 0; j < n; j++) a.push(Math.min(k - 1, Math.floor(((rand() + 1) / 2) * k)));
  return a;
}

/** A deep copy that keeps every array's elements kind (slice on leaves, map on arrays of rows). */
function copy(v: unknown): unknown {
  if (typeof v === "number") return v;
  if (v instanceof Float64Array) return v.slice();
  if (Array.isArray(v)) return v.every((e) => typeof e === "number") ? v.slice() : rows(v.length, (i) => copy(v[i]));
  const o: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(v as object)) o[k] = copy(e);
  return o;
}

/** Zeros shaped like v: double arrays, Float64Arrays, records with double fields. */
function zerosLike(v: unknown): unknown {
  if (typeof v === "number") return 0;
  if (v instanceof Float64Array) return new Float64Array(v.length);
  if (Array.isArray(v)) {
    if (v.every((e) => typeof e === "number")) {
      const a = doubles(v.length, () => 0.5);
      a.fill(0); // stays PACKED_DOUBLE_ELEMENTS
      return a;
    }
    return rows(v.length, (i) => zerosLike(v[i]));
  }
  const o: Record<string, unknown> = {};
  for (const [k, e] of Object.entries(v as object)) o[k] = zerosLike(e);
  for (const k of Object.keys(o)) if (o[k] === 0) o[k] = 0.5; // a double field from the start
  for (const k of Object.keys(o)) if (o[k] === 0.5) o[k] = 0;
  return o;
}

/** A place holding one number of a structure: a record's field or an array's element. */
type Slot = [Record<string | number, number>, string | number];

/** The numbers of v (numbers, arrays, rows, Float64Arrays, records in key order), as slots, in order. */
function slotsOf(holder: object, key: string | number, out: Slot[]): Slot[] {
  const v = (holder as Record<string | number, unknown>)[key];
  if (typeof v === "number") out.push([holder as Record<string | number, number>, key]);
  else if (v instanceof Float64Array || (Array.isArray(v) && v.every((e) => typeof e === "number")))
    for (let j = 0; j < (v as ArrayLike<number>).length; j++) out.push([v as unknown as Record<number, number>, j]);
  else if (Array.isArray(v)) for (let j = 0; j < v.length; j++) slotsOf(v, j, out);
  else for (const k of Object.keys(v as object)) slotsOf(v as object, k, out);
  return out;
}

/** A gradient record's views: its leaves (zeroed with fill, summed), its entries in the contract's order. */
class RecordView {
  private readonly leaves: (number[] | Float64Array)[] = [];
  private readonly fields: [Record<string, number>, string][] = [];
  private readonly slots: Slot[] = [];

  constructor(
    readonly record: Record<string, unknown>,
    keys: string[],
  ) {
    const walk = (holder: Record<string | number, unknown>, key: string | number) => {
      const v = holder[key];
      if (typeof v === "number") this.fields.push([holder as Record<string, number>, key as string]);
      else if (v instanceof Float64Array || (Array.isArray(v) && v.every((e) => typeof e === "number"))) this.leaves.push(v as number[]);
      else if (Array.isArray(v)) for (let j = 0; j < v.length; j++) walk(v as unknown as Record<number, unknown>, j);
      else for (const k of Object.keys(v as object)) walk(v as Record<string, unknown>, k);
    };
    for (const k of Object.keys(record)) walk(record, k);
    for (const k of keys) slotsOf(record, k, this.slots);
  }

  zero(): void {
    for (const leaf of this.leaves) leaf.fill(0);
    for (const [o, k] of this.fields) o[k] = 0;
  }

  sum(): number {
    let t = 0;
    for (const leaf of this.leaves) for (let j = 0; j < leaf.length; j++) t += leaf[j];
    for (const [o, k] of this.fields) t += o[k];
    return t;
  }

  flat(): Float64Array {
    return Float64Array.from(this.slots, ([o, k]) => o[k]);
  }

  field(k: string): number {
    return this.record[k] as number;
  }
}

// ---------------------------------------------------------------------------------------
// Batch loops, one source text per variant (see the header).

let loopId = 0;

type AnyFn = (...a: unknown[]) => unknown;

function makeLoop(
  kind: "value" | "into" | "grad",
  label: string,
  f: AnyFn,
  A: Args,
  B: Args,
  rec?: unknown,
): { loop: (calls: number) => number; last: () => unknown } {
  const n = A.length;
  const as = Array.from({ length: n }, (_, j) => `a${j}`);
  const bs = Array.from({ length: n }, (_, j) => `b${j}`);
  const extra = kind === "into" ? ", rec" : "";
  const callA = `f(${as.join(", ")}${extra})`;
  const callB = `f(${bs.join(", ")}${extra})`;
  const body =
    kind === "grad"
      ? `const r = (i & 1) === 0 ? ${callA} : ${callB}; acc += r.value; last = r;`
      : `acc += (i & 1) === 0 ? ${callA} : ${callB};`;
  const src = `"use strict"; /* batch loop ${++loopId}: ${kind} ${label.replace(/\*\//g, "")} */
const [${as.join(", ")}] = A;
const [${bs.join(", ")}] = B;
let last = null;
return {
  loop(calls) {
    let acc = 0;
    for (let i = 0; i < calls; i++) { ${body} }
    return acc;
  },
  last() { return last; },
};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("f", "A", "B", "rec", src)(f, A, B, rec) as { loop: (calls: number) => number; last: () => unknown };
}

// ---------------------------------------------------------------------------------------
// The workloads.

interface Spec {
  name: WorkloadName;
  fn: string;
  title(scale: Scale): string;
  /** Argument set 0 or 1 at this scale. */
  args(scale: Scale, set: 0 | 1): Args;
  /** The differentiated parameters' names (the record's fields), in the contract's order. */
  keys: string[];
  /** The parameters with gradient 0 (sizes, counts): record fields that stay 0. */
  zero?: string[];
  /** The parameters' names in order (to find the differentiated ones among the arguments). */
  params: string[];
  forward: AnyFn;
  hand: AnyFn;
}

const MLP_SIZES = { full: { n: 64, H: 128, O: 10, B: 32 }, small: { n: 3, H: 4, O: 3, B: 3 } };

function mlpParams(s: { n: number; H: number; O: number }, rand: () => number): F.MLP {
  const w1 = 1 / Math.sqrt(s.n);
  const w2 = 1 / Math.sqrt(s.H);
  return {
    W1: matrix(s.H, s.n, () => rand() * w1),
    b1: doubles(s.H, () => rand() * 0.5),
    W2: matrix(s.O, s.H, () => rand() * w2),
    b2: doubles(s.O, () => rand() * 0.5),
  };
}

const NORMWX_N = { full: 256, small: 4 };

function normwxArgs(n: number, seed: number): { W: number[][]; x: number[] } {
  const rand = lcg(seed);
  const scale = 1 / Math.sqrt(n); // q_i of order 1 whatever n
  return { W: matrix(n, n, () => rand() * scale), x: doubles(n, () => rand()) };
}

const LOGREG_SIZES = { full: { N: 1000, D: 20 }, small: { N: 6, D: 3 } };
const RECURRENCE_STEPS = { full: 1000, small: 30 };
const CONV_SIZES = { full: { F: 8, W: 5, n: 256 }, small: { F: 2, W: 3, n: 9 } };

const SPECS: Spec[] = [
  {
    name: "neuron",
    fn: "neuron",
    title: () => "sigmoid(w0 x0 + w1 x1 + w2), 5 inputs, all differentiated",
    args: (_, set) => (set === 0 ? [0.8, -1.3, 0.4, 1.1, -0.6] : [0.75, -1.25, 0.45, 1.05, -0.65]),
    params: ["w0", "w1", "w2", "x0", "x1"],
    keys: ["w0", "w1", "w2", "x0", "x1"],
    forward: F.neuron as AnyFn,
    hand: H.neuronHand as AnyFn,
  },
  {
    name: "mlp-1",
    fn: "mlpLoss",
    title: (sc) => {
      const s = MLP_SIZES[sc];
      return `MLP ${s.n}-${s.H}-${s.O}, tanh, softmax cross-entropy, one example; wrt p (${s.H * s.n + s.H + s.O * s.H + s.O} parameters)`;
    },
    args: (sc, set) => {
      const s = MLP_SIZES[sc];
      const rand = lcg(11 + set);
      const p = mlpParams(s, rand);
      return [p, doubles(s.n, rand), labels(1, s.O, rand)[0]];
    },
    params: ["p", "x", "label"],
    keys: ["p"],
    forward: F.mlpLoss as AnyFn,
    hand: H.mlpLossHand as AnyFn,
  },
  {
    name: "mlp-32",
    fn: "mlpBatchLoss",
    title: (sc) => {
      const s = MLP_SIZES[sc];
      return `the same MLP summed over a batch of ${s.B}; wrt p`;
    },
    args: (sc, set) => {
      const s = MLP_SIZES[sc];
      const rand = lcg(21 + set);
      const p = mlpParams(s, rand);
      return [p, matrix(s.B, s.n, rand), labels(s.B, s.O, rand)];
    },
    params: ["p", "X", "labels"],
    keys: ["p"],
    forward: F.mlpBatchLoss as AnyFn,
    hand: H.mlpBatchLossHand as AnyFn,
  },
  {
    name: "normwx-nested",
    fn: "normWx",
    title: (sc) => `||W x||^2, W number[][] ${NORMWX_N[sc]} x ${NORMWX_N[sc]}, x (${NORMWX_N[sc]}); wrt W, x`,
    args: (sc, set) => {
      const { W, x } = normwxArgs(NORMWX_N[sc], 31 + set);
      return [W, x];
    },
    params: ["W", "x"],
    keys: ["W", "x"],
    forward: F.normWx as AnyFn,
    hand: H.normWxHand as AnyFn,
  },
  {
    name: "normwx-flat",
    fn: "normWxFlat",
    title: (sc) => `the same, W a row-major Float64Array, x a Float64Array, n = ${NORMWX_N[sc]}; wrt W, x`,
    args: (sc, set) => {
      const n = NORMWX_N[sc];
      const { W, x } = normwxArgs(n, 31 + set);
      const Wf = new Float64Array(n * n);
      for (let i = 0; i < n; i++) Wf.set(W[i], i * n);
      return [Wf, Float64Array.from(x), n];
    },
    params: ["W", "x", "n"],
    keys: ["W", "x"],
    zero: ["n"],
    forward: F.normWxFlat as AnyFn,
    hand: H.normWxFlatHand as AnyFn,
  },
  {
    name: "logreg",
    fn: "logreg",
    title: (sc) => {
      const s = LOGREG_SIZES[sc];
      return `logistic regression + L2, ${s.N.toLocaleString("en-US")} examples of dimension ${s.D}; wrt w, b`;
    },
    args: (sc, set) => {
      const s = LOGREG_SIZES[sc];
      const rand = lcg(41 + set);
      const truth = doubles(s.D, rand);
      const X = matrix(s.N, s.D, rand);
      const y: number[] = [];
      for (const row of X) {
        let t = 0.3 * rand();
        for (let k = 0; k < s.D; k++) t += truth[k] * row[k];
        y.push(t > 0 ? 1 : -1); // PACKED_SMI_ELEMENTS
      }
      return [doubles(s.D, () => 0.5 * rand()), 0.1 * rand(), X, y, 0.01];
    },
    params: ["w", "b", "X", "y", "lambda"],
    keys: ["w", "b"],
    forward: F.logreg as AnyFn,
    hand: H.logregHand as AnyFn,
  },
  {
    name: "recurrence",
    fn: "euler",
    title: (sc) => `${RECURRENCE_STEPS[sc].toLocaleString("en-US")} Euler steps with a branch (sin / tanh); wrt a, b, x0, h`,
    // set 0 rises through x = 1 and stays mostly on the tanh branch, set 1 falls through it (bench/euler.ts)
    args: (sc, set) => {
      const steps = RECURRENCE_STEPS[sc];
      const h = 10 / steps;
      return set === 0 ? [2, 0.5, 0.5, h, steps] : [0.5, 0.8, 2.5, h, steps];
    },
    params: ["a", "b", "x0", "h", "steps"],
    keys: ["a", "b", "x0", "h"],
    zero: ["steps"],
    forward: F.euler as AnyFn,
    hand: H.eulerHand as AnyFn,
  },
  {
    name: "conv1d",
    fn: "conv1d",
    title: (sc) => {
      const s = CONV_SIZES[sc];
      return `conv1d: ${s.F} kernels of width ${s.W} over x (${s.n}), bias, ReLU, 0.5 sum of squares; wrt K, bias, x`;
    },
    args: (sc, set) => {
      const s = CONV_SIZES[sc];
      const rand = lcg(51 + set);
      return [matrix(s.F, s.W, () => rand() / Math.sqrt(s.W)), doubles(s.F, () => 0.2 * rand()), doubles(s.n, rand)];
    },
    params: ["K", "bias", "x"],
    keys: ["K", "bias", "x"],
    forward: F.conv1d as AnyFn,
    hand: H.conv1dHand as AnyFn,
  },
];

/** The record the Into variants add into: zeros shaped like the differentiated arguments, plus 0 fields. */
function makeRecord(spec: Spec, args: Args): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (let j = 0; j < spec.params.length; j++) {
    const name = spec.params[j];
    if (spec.keys.includes(name)) r[name] = zerosLike(args[j]);
    else if (spec.zero?.includes(name)) r[name] = 0;
  }
  return zerosLike(r) as Record<string, unknown>; // double fields from the start
}

interface Stack {
  peakBytes: number;
  resetPeak(): void;
}

function build(gen: GradModule, spec: Spec, scale: Scale): Workload {
  const into = gen[`${spec.fn}GradInto`] as AnyFn | undefined;
  const alloc = gen[`${spec.fn}Grad`] as AnyFn | undefined;
  if (typeof into !== "function" || typeof alloc !== "function")
    throw new Error(`the generated module has no ${spec.fn}GradInto / ${spec.fn}Grad`);
  const stacks = (gen[`${spec.fn}GradStacks`] ?? {}) as Record<string, Stack>;
  const A = spec.args(scale, 0);
  const B = spec.args(scale, 1);
  const f = spec.forward;
  const diffIndex = spec.keys.map((k) => spec.params.indexOf(k));
  const size = makeView(makeRecord(spec, A)).flat().length;

  function makeView(record: Record<string, unknown>): RecordView {
    return new RecordView(record, spec.keys);
  }

  /** The record's entries in the contract's order; throws when a size's or count's field is not 0. */
  function flatChecked(label: string, view: RecordView): Float64Array {
    for (const k of spec.zero ?? [])
      if (view.field(k) !== 0) throw new Error(`${label} gives d/d${k} = ${view.field(k)} (a size or count: must be 0)`);
    return view.flat();
  }

  /** An Into variant (adc fGradInto or hand): a record for the checks, one for the batches. */
  function intoVariant(label: string, g: AnyFn): Timed {
    const check = makeView(makeRecord(spec, A));
    const timed = makeView(makeRecord(spec, A));
    const { loop } = makeLoop("into", label, g, A, B, timed.record);
    return {
      run(args) {
        check.zero();
        return g(...args, check.record) as number;
      },
      addMore: (args, seed) => g(...args, check.record, seed) as number,
      lastGradient: () => flatChecked(label, check),
      loop,
      after() {
        const t = timed.sum();
        timed.zero();
        return t;
      },
    };
  }

  let lastAlloc: Record<string, unknown> | undefined;
  const allocLoop = makeLoop("grad", `${spec.fn}Grad`, alloc, A, B);
  const forwardLoop = makeLoop("value", spec.fn, f, A, B);
  return {
    name: spec.name,
    fn: spec.fn,
    title: spec.title(scale),
    argSets: [A, B],
    size,
    zeroFields: spec.zero ?? [],
    value: (args) => f(...args) as number,
    forward: {
      run: (args) => f(...args) as number,
      lastGradient: () => new Float64Array(0),
      loop: forwardLoop.loop,
      after: () => 0,
    },
    adcInto: intoVariant(`${spec.fn}GradInto`, into),
    hand: intoVariant(`${spec.name} hand`, spec.hand),
    adcGrad: {
      run(args) {
        const r = alloc(...args) as { value: number; grad: Record<string, unknown> };
        lastAlloc = r.grad;
        return r.value;
      },
      lastGradient() {
        if (!lastAlloc) throw new Error("no run yet");
        return flatChecked(`${spec.fn}Grad`, makeView(lastAlloc));
      },
      loop: allocLoop.loop,
      after() {
        const r = allocLoop.last() as { value: number } | null;
        return r ? r.value : 0;
      },
    },
    centralDifferences(args, h = 1e-6) {
      const base = copy(args) as Args;
      const slots: Slot[] = [];
      for (const j of diffIndex) slotsOf(base, j, slots);
      const out = new Float64Array(slots.length);
      slots.forEach(([o, k], e) => {
        const v = o[k];
        o[k] = v + h;
        const up = f(...base) as number;
        o[k] = v - h;
        const down = f(...base) as number;
        o[k] = v;
        out[e] = (up - down) / (2 * h);
      });
      return out;
    },
    stackBytes() {
      let worst = 0;
      for (const args of [A, B]) {
        for (const st of Object.values(stacks)) st.resetPeak();
        into(...args, makeRecord(spec, args));
        let t = 0;
        for (const st of Object.values(stacks)) t += st.peakBytes;
        worst = Math.max(worst, t);
      }
      return worst;
    },
  };
}

/** Every workload of types.ts at this scale (or those named in `only`), in the contract's order. */
export function makeWorkloads(gen: GradModule, scale: Scale, only?: readonly WorkloadName[]): Workload[] {
  return WORKLOADS.filter((w) => !only || only.includes(w)).map((name) =>
    build(
      gen,
      SPECS.find((s) => s.name === name)!,
      scale,
    ),
  );
}
