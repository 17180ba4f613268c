// The scalar benchmark (`npm run bench`): value + gradient with adc's generated code versus
// the forward function and a careful hand-written adjoint, on two workloads:
//   (a) the lectures' sigmoid neuron, 5 inputs;
//   (b) a 50-operation expression of 6 inputs (bench/functions.ts).
// Variants per workload: forward f; adc fGradInto (value + gradient, allocation-free);
// the hand adjoint (bench/hand.ts, same contract); adc fGrad (allocates its result).
//
// Method (shared, noisy machines): everything runs in one process. The compiler is run
// first on bench/functions.ts, writing bench/functions.grad.ts, so the current emitter is
// what is measured. All variants are checked against each other and against central finite
// differences before any timing. Then, after warm-up rounds, each timed round runs every
// variant once for a fixed batch of calls, in an order that rotates from round to round;
// calls alternate between two argument sets so V8 cannot constant-fold the inputs; results
// are summed into a sink that is printed. Reported: medians of per-call times and medians
// (with interquartile ranges) of per-round paired ratios. No assertion is made on timings.
//
// Options: --rounds N (timed rounds, default 61), --ms T (target ms per batch, default 20).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { compileText } from "../compiler/index.js";
import { expr50, neuron } from "./functions.js";
import { expr50Hand, neuronHand, type Expr50GradRecord, type NeuronGradRecord } from "./hand.js";
import { interleave, median, quantile, positiveOption } from "./harness.js";

// ---------------------------------------------------------------------------------------
// 1. Generate bench/functions.grad.ts with the current compiler.

interface GradModule {
  neuronGrad(w0: number, w1: number, w2: number, x0: number, x1: number, seed?: number): { value: number; grad: NeuronGradRecord };
  neuronGradInto(w0: number, w1: number, w2: number, x0: number, x1: number, grad: NeuronGradRecord, seed?: number): number;
  expr50Grad(x: number, y: number, z: number, u: number, v: number, w: number, seed?: number): { value: number; grad: Expr50GradRecord };
  expr50GradInto(x: number, y: number, z: number, u: number, v: number, w: number, grad: Expr50GradRecord, seed?: number): number;
}

async function generate(): Promise<GradModule> {
  const src = path.join(__dirname, "functions.ts");
  const out = path.join(__dirname, "functions.grad.ts");
  const result = await compileText(src, fs.readFileSync(src, "utf8"));
  if (result.diagnostics.length || result.code === undefined) {
    for (const d of result.diagnostics) console.error(`bench/functions.ts: ${JSON.stringify(d.span)}: ${d.message}`);
    throw new Error("adc failed to compile bench/functions.ts");
  }
  const old = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : undefined;
  if (old !== result.code) fs.writeFileSync(out, result.code);
  // loaded at run time (tsx compiles it); a variable path keeps `tsc` from needing the file
  return require(out) as GradModule;
}

// ---------------------------------------------------------------------------------------
// 2. Workloads: argument sets, variants (one loop function per variant, so every call
//    site is monomorphic and V8 may inline exactly as it would in a user's hot loop).

let sink = 0;

const NEURON_ARGS = [new Float64Array([0.8, -1.3, 0.4, 1.1, -0.6]), new Float64Array([0.75, -1.25, 0.45, 1.05, -0.65])];
const EXPR_ARGS = [new Float64Array([0.7, -0.4, 1.3, 0.25, -0.9, 0.55]), new Float64Array([0.65, -0.35, 1.2, 0.3, -0.85, 0.6])];

const neuronRecord = (): NeuronGradRecord => ({ w0: 0, w1: 0, w2: 0, x0: 0, x1: 0 });
const expr50Record = (): Expr50GradRecord => ({ x: 0, y: 0, z: 0, u: 0, v: 0, w: 0 });

interface Variant {
  name: string;
  /** Runs n calls; returns a number that depends on every result. */
  run(n: number): number;
}

interface Workload {
  title: string;
  names: string[]; // input names, for messages
  args: Float64Array[];
  f(a: Float64Array): number;
  gradInto(a: Float64Array, g: number[], seed: number): number; // adc, into a fresh record -> array
  hand(a: Float64Array, g: number[], seed: number): number;
  gradAlloc(a: Float64Array): { value: number; grad: number[] };
  variants: { forward: Variant; adc: Variant; hand: Variant; alloc: Variant };
}

function neuronWorkload(gen: GradModule): Workload {
  // every callee is read once into a local: through tsx's CommonJS interop an imported
  // binding is a chain of two getters on every call, which would tax only some variants
  const { neuronGrad, neuronGradInto } = gen;
  const neuronF = neuron;
  const neuronH = neuronHand;
  const [A0, A1] = NEURON_ARGS;
  const adcRec = neuronRecord();
  const handRec = neuronRecord();
  const drain = (g: NeuronGradRecord): number => {
    const t = g.w0 + g.w1 + g.w2 + g.x0 + g.x1;
    g.w0 = g.w1 = g.w2 = g.x0 = g.x1 = 0;
    return t;
  };
  const toArr = (g: NeuronGradRecord) => [g.w0, g.w1, g.w2, g.x0, g.x1];
  const fromArr = (a: number[]): NeuronGradRecord => ({ w0: a[0], w1: a[1], w2: a[2], x0: a[3], x1: a[4] });
  return {
    title: "(a) sigmoid neuron, 5 inputs",
    names: ["w0", "w1", "w2", "x0", "x1"],
    args: NEURON_ARGS,
    f: (a) => neuron(a[0], a[1], a[2], a[3], a[4]),
    gradInto: (a, g, seed) => {
      const r = fromArr(g);
      const v = neuronGradInto(a[0], a[1], a[2], a[3], a[4], r, seed);
      g.splice(0, g.length, ...toArr(r));
      return v;
    },
    hand: (a, g, seed) => {
      const r = fromArr(g);
      const v = neuronHand(a[0], a[1], a[2], a[3], a[4], r, seed);
      g.splice(0, g.length, ...toArr(r));
      return v;
    },
    gradAlloc: (a) => {
      const r = neuronGrad(a[0], a[1], a[2], a[3], a[4]);
      return { value: r.value, grad: toArr(r.grad) };
    },
    variants: {
      forward: {
        name: "forward f",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += neuronF(a[0], a[1], a[2], a[3], a[4]);
          }
          return acc;
        },
      },
      adc: {
        name: "adc fGradInto",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += neuronGradInto(a[0], a[1], a[2], a[3], a[4], adcRec);
          }
          return acc + drain(adcRec);
        },
      },
      hand: {
        name: "hand adjoint",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += neuronH(a[0], a[1], a[2], a[3], a[4], handRec);
          }
          return acc + drain(handRec);
        },
      },
      alloc: {
        name: "adc fGrad (allocating)",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            const r = neuronGrad(a[0], a[1], a[2], a[3], a[4]);
            const g = r.grad;
            acc += r.value + (g.w0 + g.w1 + g.w2 + g.x0 + g.x1);
          }
          return acc;
        },
      },
    },
  };
}

function expr50Workload(gen: GradModule): Workload {
  const { expr50Grad, expr50GradInto } = gen; // read once, as above
  const expr50F = expr50;
  const expr50H = expr50Hand;
  const [A0, A1] = EXPR_ARGS;
  const adcRec = expr50Record();
  const handRec = expr50Record();
  const drain = (g: Expr50GradRecord): number => {
    const t = g.x + g.y + g.z + g.u + g.v + g.w;
    g.x = g.y = g.z = g.u = g.v = g.w = 0;
    return t;
  };
  const toArr = (g: Expr50GradRecord) => [g.x, g.y, g.z, g.u, g.v, g.w];
  const fromArr = (a: number[]): Expr50GradRecord => ({ x: a[0], y: a[1], z: a[2], u: a[3], v: a[4], w: a[5] });
  return {
    title: "(b) 50-operation expression, 6 inputs",
    names: ["x", "y", "z", "u", "v", "w"],
    args: EXPR_ARGS,
    f: (a) => expr50(a[0], a[1], a[2], a[3], a[4], a[5]),
    gradInto: (a, g, seed) => {
      const r = fromArr(g);
      const v = expr50GradInto(a[0], a[1], a[2], a[3], a[4], a[5], r, seed);
      g.splice(0, g.length, ...toArr(r));
      return v;
    },
    hand: (a, g, seed) => {
      const r = fromArr(g);
      const v = expr50Hand(a[0], a[1], a[2], a[3], a[4], a[5], r, seed);
      g.splice(0, g.length, ...toArr(r));
      return v;
    },
    gradAlloc: (a) => {
      const r = expr50Grad(a[0], a[1], a[2], a[3], a[4], a[5]);
      return { value: r.value, grad: toArr(r.grad) };
    },
    variants: {
      forward: {
        name: "forward f",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += expr50F(a[0], a[1], a[2], a[3], a[4], a[5]);
          }
          return acc;
        },
      },
      adc: {
        name: "adc fGradInto",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += expr50GradInto(a[0], a[1], a[2], a[3], a[4], a[5], adcRec);
          }
          return acc + drain(adcRec);
        },
      },
      hand: {
        name: "hand adjoint",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            acc += expr50H(a[0], a[1], a[2], a[3], a[4], a[5], handRec);
          }
          return acc + drain(handRec);
        },
      },
      alloc: {
        name: "adc fGrad (allocating)",
        run(n) {
          let acc = 0;
          for (let i = 0; i < n; i++) {
            const a = (i & 1) === 0 ? A0 : A1;
            const r = expr50Grad(a[0], a[1], a[2], a[3], a[4], a[5]);
            const g = r.grad;
            acc += r.value + (g.x + g.y + g.z + g.u + g.v + g.w);
          }
          return acc;
        },
      },
    },
  };
}

// ---------------------------------------------------------------------------------------
// 3. Correctness, before any timing: every variant's value and gradient against each other
//    and against central finite differences of the forward function. Fails loudly.

function check(w: Workload): void {
  const fail = (msg: string): never => {
    throw new Error(`bench check failed for ${w.title}: ${msg}`);
  };
  const close = (a: number, b: number, rel: number) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));
  // the two timed argument sets, plus deterministic pseudo-random points near them
  let state = 12345;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const points: Float64Array[] = [...w.args];
  for (let k = 0; k < 8; k++) points.push(w.args[0].map((x) => x + 0.5 * rand()));
  for (const a of points) {
    const where = `at (${Array.from(a, (x) => x.toPrecision(4)).join(", ")})`;
    const value = w.f(a);
    if (!Number.isFinite(value)) fail(`forward value ${value} ${where}`);
    const gAdc = new Array<number>(a.length).fill(0);
    const gHand = new Array<number>(a.length).fill(0);
    const vAdc = w.gradInto(a, gAdc, 1);
    const vHand = w.hand(a, gHand, 1);
    const alloc = w.gradAlloc(a);
    if (!close(vAdc, value, 1e-14)) fail(`adc fGradInto value ${vAdc} != forward ${value} ${where}`);
    if (!close(vHand, value, 1e-14)) fail(`hand value ${vHand} != forward ${value} ${where}`);
    if (alloc.value !== vAdc) fail(`adc fGrad value ${alloc.value} != fGradInto value ${vAdc} ${where}`);
    for (let i = 0; i < a.length; i++) {
      const h = 1e-5 * Math.max(1, Math.abs(a[i]));
      const ap = a.slice();
      const am = a.slice();
      ap[i] += h;
      am[i] -= h;
      const fd = (w.f(ap) - w.f(am)) / (ap[i] - am[i]);
      const d = `d/d${w.names[i]} ${where}: adc fGradInto ${gAdc[i]}, hand ${gHand[i]}, adc fGrad ${alloc.grad[i]}, central difference ${fd}`;
      if (!Number.isFinite(gAdc[i])) fail(d);
      if (alloc.grad[i] !== gAdc[i]) fail(`fGrad != fGradInto: ${d}`);
      if (!close(gAdc[i], gHand[i], 1e-12)) fail(`adc != hand: ${d}`);
      if (!close(gAdc[i], fd, 1e-7)) fail(`adc != central difference: ${d}`);
      if (!close(gHand[i], fd, 1e-7)) fail(`hand != central difference: ${d}`);
    }
    // the contract both allocation-free forms share: ADD d(seed * f) into the record
    const accAdc = gAdc.slice();
    const accHand = gHand.slice();
    w.gradInto(a, accAdc, 2.5);
    w.hand(a, accHand, 2.5);
    for (let i = 0; i < a.length; i++) {
      if (!close(accAdc[i], 3.5 * gAdc[i], 1e-13)) fail(`adc fGradInto does not add seed * gradient (d/d${w.names[i]} ${where})`);
      if (!close(accHand[i], 3.5 * gHand[i], 1e-13)) fail(`hand adjoint does not add seed * gradient (d/d${w.names[i]} ${where})`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// 4. Timing.

const ORDER = ["forward", "adc", "hand", "alloc"] as const;
type Key = (typeof ORDER)[number];

interface Measured {
  batch: number;
  perCall: Record<Key, number[]>; // ns per call, one entry per timed round
}

function timeBatch(v: Variant, n: number): number {
  const t0 = performance.now();
  const r = v.run(n);
  const t1 = performance.now();
  sink += r;
  return ((t1 - t0) * 1e6) / n;
}

function measure(w: Workload, rounds: number, warmup: number, targetMs: number): Measured {
  // warm up every variant (tier-up to optimized code), then size the batch so that the
  // hand adjoint takes about targetMs per round
  for (const k of ORDER) w.variants[k].run(20_000);
  let n = 20_000;
  for (let i = 0; i < 3; i++) for (const k of ORDER) timeBatch(w.variants[k], n);
  const nsHand = Math.min(...[0, 1, 2].map(() => timeBatch(w.variants.hand, n)));
  const batch = Math.max(10_000, Math.round((targetMs * 1e6) / nsHand / 10_000) * 10_000);
  const perCall = interleave(ORDER, (k) => timeBatch(w.variants[k], batch), rounds, warmup);
  return { batch, perCall };
}

// ---------------------------------------------------------------------------------------
// 5. Report.

const TARGET = 1.2;

function report(w: Workload, m: Measured, rounds: number): { ratio: number; line: string } {
  const p = m.perCall;
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]);
  const rows: [string, number[]][] = [
    ["adc fGradInto / forward", ratio(p.adc, p.forward)],
    ["hand adjoint / forward", ratio(p.hand, p.forward)],
    ["adc fGradInto / hand adjoint", ratio(p.adc, p.hand)],
    ["adc fGrad / adc fGradInto", ratio(p.alloc, p.adc)],
  ];
  const f2 = (x: number) => x.toFixed(2);
  const lines: string[] = [];
  lines.push(`${w.title}   (${rounds} timed rounds x ${m.batch.toLocaleString("en-US")} calls per variant)`);
  lines.push(`  ${"variant".padEnd(34)}${"median ns/call".padStart(15)}${"IQR".padStart(18)}`);
  for (const k of ORDER) {
    const name = {
      forward: "forward f",
      adc: "adc fGradInto (value + grad)",
      hand: "hand adjoint (value + grad)",
      alloc: "adc fGrad (value + grad, allocates)",
    }[k];
    lines.push(
      `  ${name.padEnd(34)}${f2(median(p[k])).padStart(15)}${`[${f2(quantile(p[k], 0.25))}, ${f2(quantile(p[k], 0.75))}]`.padStart(18)}`,
    );
  }
  lines.push(`  ${"paired ratio, per round".padEnd(34)}${"median".padStart(15)}${"IQR".padStart(18)}`);
  for (const [name, xs] of rows) {
    lines.push(
      `  ${name.padEnd(34)}${f2(median(xs)).padStart(15)}${`[${f2(quantile(xs, 0.25))}, ${f2(quantile(xs, 0.75))}]`.padStart(18)}`,
    );
  }
  const r = rows[2][1];
  const med = median(r);
  const q3 = quantile(r, 0.75);
  const q3Shown = Number(f2(q3));
  const verdict =
    med <= TARGET
      ? `MEETS the target: adc is ${f2(med)}x the hand adjoint (<= ${TARGET}x${q3Shown > TARGET ? `; but the upper quartile ${f2(q3)} is above it` : ""})`
      : `MISSES the target: adc is ${f2(med)}x the hand adjoint (> ${TARGET}x)`;
  lines.push(`  verdict: ${verdict}`);
  return { ratio: med, line: lines.join("\n") };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: number) => positiveOption(argv, name, dflt);
  const rounds = Math.round(opt("--rounds", 61));
  const targetMs = opt("--ms", 20);
  const warmup = 5;

  const t0 = performance.now();
  const gen = await generate();
  const workloads = [neuronWorkload(gen), expr50Workload(gen)];
  for (const w of workloads) check(w);
  console.log(`generated bench/functions.grad.ts; every variant agrees with the others and with central differences`);

  const cpus = os.cpus();
  const load0 = os.loadavg();
  const results = workloads.map((w) => ({ w, m: measure(w, rounds, warmup, targetMs) }));
  const load1 = os.loadavg();

  console.log("");
  console.log(`adc scalar benchmark: value + gradient versus forward and a hand-written adjoint`);
  console.log(
    `machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()} ${os.arch()}`,
  );
  console.log(
    `node ${process.version} (V8 ${process.versions.v8}); load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after`,
  );
  console.log(
    `method: variants interleaved round by round in rotating order after ${warmup} warm-up rounds; calls alternate between 2 argument sets`,
  );
  console.log("");
  for (const { w, m } of results) {
    console.log(report(w, m, rounds).line);
    console.log("");
  }
  console.log(`target: adc fGradInto within ${TARGET}x of the hand adjoint (median of per-round ratios)`);
  console.log(`sink ${sink.toPrecision(6)}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
