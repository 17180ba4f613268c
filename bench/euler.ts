// The loop benchmark (`npx tsx bench/euler.ts`): value + gradient of an explicit Euler
// integration with a branch inside the loop, adc's generated code versus the forward function
// and careful hand-written adjoints, at 1,000 and at 100,000 steps.
//   euler(a, b, x0, h, steps): x' = a g(x) - b x^2, g = sin(x) up to 1, a tanh continuation
//   above 1 (bench/euler-functions.ts, the function of fixtures/control-flow/euler-integration).
// Variants: forward euler; adc eulerGradInto (value + gradient, allocation-free); three hand
// adjoints (bench/euler-hand.ts), all with eulerGradInto's contract: the tuned one that stores x
// and g per step and recovers tanh(x - 1) from g algebraically (eulerHand: needs the formula);
// the one that stores x alone and recomputes g and g' backwards (eulerHandRecompute); the plain
// one that stores x and g per step and tanh(x - 1) on the tanh branch, as adc has to
// (eulerHandPlain); and adc eulerGrad (allocates its result).
//
// Method: the same as bench/scalar.ts. The compiler runs first on bench/euler-functions.ts,
// writing bench/euler-functions.grad.ts, so the current emitter is what is measured. All
// variants are checked against each other, against central finite differences and against the
// fixture's known points before any timing. Then, after warm-up rounds, each timed round runs
// every variant once for a fixed batch of calls, in an order that rotates from round to round;
// calls alternate between two argument sets (one rises through x = 1 and stays mostly on the
// tanh branch, one falls through it and stays mostly on the sin branch); results are summed
// into a printed sink. The step size is 10 / steps, so both sizes integrate the same
// trajectory over the same time (the branch mix is the same; only the memory differs).
// Reported: medians of per-call times, medians (with interquartile ranges) of per-round paired
// ratios; the bytes the reverse sweep reads: for adc the sum of peakBytes over the exported
// eulerGradStacks after one call (peaks reset first), for the hand adjoints the values their
// reverse sweeps read (8 bytes each; they keep no bits: the branch is recomputed from x; for the
// plain one branch-dependent, counted by the call itself); and
// heap bytes allocated per call once warm (v8.GCProfiler: used-heap growth plus what each GC in
// the window freed). No assertion is made on timings.
//
// Options: --rounds N (timed rounds per size, default 61), --ms T (target ms per batch, default 12).

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as v8 from "node:v8";
import { performance } from "node:perf_hooks";
import { euler } from "./euler-functions.js";
import {
  eulerHand,
  eulerHandBytes,
  eulerHandPlain,
  eulerHandPlainBytes,
  eulerHandRecompute,
  eulerHandRecomputeBytes,
  type EulerGradRecord,
} from "./euler-hand.js";
import { interleave, median, quantile, compileAndLoad, runtimeNote, positiveOption } from "./harness.js";

// ---------------------------------------------------------------------------------------
// 1. Generate bench/euler-functions.grad.ts with the current compiler.

interface StackLike {
  peak: number;
  peakBytes: number;
  resetPeak(): void;
  length: number;
}

interface GradModule {
  eulerGrad(a: number, b: number, x0: number, h: number, steps: number, seed?: number): { value: number; grad: EulerGradRecord };
  eulerGradInto(a: number, b: number, x0: number, h: number, steps: number, grad: EulerGradRecord, seed?: number): number;
  eulerGradStacks: Record<string, StackLike>;
}

async function generate(): Promise<GradModule> {
  const mod = await compileAndLoad<GradModule>("euler-functions");
  if (!mod.eulerGradStacks) throw new Error("bench/euler-functions.grad.ts does not export eulerGradStacks");
  return mod;
}

// ---------------------------------------------------------------------------------------
// 2. Workloads: one per size; argument sets; variants (one loop function per variant, so
//    every call site is monomorphic and V8 may inline exactly as in a user's hot loop).

let sink = 0;

const ORDER = ["forward", "adc", "hand", "handR", "handP", "alloc"] as const;
type Key = (typeof ORDER)[number];
const NAMES: Record<Key, string> = {
  forward: "forward euler",
  adc: "adc eulerGradInto (value + grad)",
  hand: "hand, stores x and g (value + grad)",
  handR: "hand, stores x only (value + grad)",
  handP: "hand, plain: x, g, tanh (value + grad)",
  alloc: "adc eulerGrad (value + grad, allocates)",
};

type Args = readonly [number, number, number, number, number];
type Into = (a: number, b: number, x0: number, h: number, steps: number, grad: EulerGradRecord, seed?: number) => number;

interface Workload {
  steps: number;
  title: string;
  args: [Args, Args];
  variants: Record<Key, (n: number) => number>;
}

// Records start with double fields (a Smi 0 would give them Smi fields, generalised to double on the
// first gradient stored: a map change that deoptimises code compiled against the old map).
const record = (): EulerGradRecord => {
  const r = { a: 0.5, b: 0.5, x0: 0.5, h: 0.5, steps: 0.5 };
  r.a = r.b = r.x0 = r.h = r.steps = 0;
  return r;
};
const drain = (g: EulerGradRecord): number => {
  const t = g.a + g.b + g.x0 + g.h + g.steps;
  g.a = g.b = g.x0 = g.h = g.steps = 0;
  return t;
};

function argsFor(steps: number): [Args, Args] {
  const h = 10 / steps;
  return [
    [2, 0.5, 0.5, h, steps], //  rises through x = 1, settles near 2.28 (mostly the tanh branch)
    [0.5, 0.8, 2.5, h, steps], // falls through x = 1, settles near 0.59 (mostly the sin branch)
  ];
}

function workload(gen: GradModule, steps: number): Workload {
  // every callee is read once into a local (tsx's CommonJS interop makes an imported binding a
  // chain of getters on every call, which would tax only some variants)
  const { eulerGrad, eulerGradInto } = gen;
  const f = euler;
  const hand = eulerHand;
  const handR = eulerHandRecompute;
  const handP = eulerHandPlain;
  const args = argsFor(steps);
  const [[a0, b0, x00, h0, n0], [a1, b1, x01, h1, n1]] = args;
  const recAdc = record();
  const recHand = record();
  const recHandR = record();
  const recHandP = record();
  return {
    steps,
    title: `${steps.toLocaleString("en-US")} steps (h = ${10 / steps})`,
    args,
    variants: {
      forward(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) acc += (i & 1) === 0 ? f(a0, b0, x00, h0, n0) : f(a1, b1, x01, h1, n1);
        return acc;
      },
      // one loop per variant, written out: closures made from one shared literal would share
      // its feedback, and the call site inside would see three targets (megamorphic)
      adc(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          acc += (i & 1) === 0 ? eulerGradInto(a0, b0, x00, h0, n0, recAdc) : eulerGradInto(a1, b1, x01, h1, n1, recAdc);
        }
        return acc + drain(recAdc);
      },
      hand(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          acc += (i & 1) === 0 ? hand(a0, b0, x00, h0, n0, recHand) : hand(a1, b1, x01, h1, n1, recHand);
        }
        return acc + drain(recHand);
      },
      handR(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          acc += (i & 1) === 0 ? handR(a0, b0, x00, h0, n0, recHandR) : handR(a1, b1, x01, h1, n1, recHandR);
        }
        return acc + drain(recHandR);
      },
      handP(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          acc += (i & 1) === 0 ? handP(a0, b0, x00, h0, n0, recHandP) : handP(a1, b1, x01, h1, n1, recHandP);
        }
        return acc + drain(recHandP);
      },
      alloc(n) {
        let acc = 0;
        for (let i = 0; i < n; i++) {
          const r = (i & 1) === 0 ? eulerGrad(a0, b0, x00, h0, n0) : eulerGrad(a1, b1, x01, h1, n1);
          const g = r.grad;
          acc += r.value + (g.a + g.b + g.x0 + g.h + g.steps);
        }
        return acc;
      },
    },
  };
}

// ---------------------------------------------------------------------------------------
// 3. Correctness, before any timing. Fails loudly.

const PARAMS = ["a", "b", "x0", "h"] as const;

function check(gen: GradModule, w: Workload): void {
  const fail = (msg: string): never => {
    throw new Error(`bench check failed at ${w.title}: ${msg}`);
  };
  const close = (x: number, y: number, rel: number) => Math.abs(x - y) <= rel * Math.max(1, Math.abs(x), Math.abs(y));
  const intos: [string, Into][] = [
    ["adc eulerGradInto", gen.eulerGradInto],
    ["hand (stores x, g)", eulerHand],
    ["hand (stores x)", eulerHandRecompute],
    ["hand (plain)", eulerHandPlain],
  ];
  let state = 12345;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const points: Args[] = [...w.args];
  for (let k = 0; k < 6; k++) {
    const [a, b, x0, h, n] = w.args[k & 1];
    points.push([a + 0.2 * rand(), b + 0.1 * rand(), x0 + 0.2 * rand(), h * (1 + 0.1 * rand()), n]);
  }
  for (const p of points) {
    const where = `at (${p.map((v) => v.toPrecision(4)).join(", ")})`;
    const value = euler(...p);
    if (!Number.isFinite(value)) fail(`forward value ${value} ${where}`);
    const grads = intos.map(([name, g]) => {
      const rec = record();
      const v = g(...p, rec);
      if (v !== value) fail(`${name} value ${v} !== forward ${value} ${where}`);
      if (rec.steps !== 0) fail(`${name} gives d/dsteps = ${rec.steps} (a count: must be 0) ${where}`);
      // the contract: ADD d(seed * f) into the record
      const acc = record(); // same shape as every other record (one map at the grad stores)
      for (const k of PARAMS) acc[k] = rec[k];
      g(...p, acc, 2.5);
      for (const k of PARAMS) if (!close(acc[k], 3.5 * rec[k], 1e-12)) fail(`${name} does not add seed * gradient (d/d${k} ${where})`);
      return rec;
    });
    const alloc = gen.eulerGrad(...p);
    if (alloc.value !== value) fail(`adc eulerGrad value ${alloc.value} !== forward ${value} ${where}`);
    for (const k of PARAMS) {
      if (alloc.grad[k] !== grads[0][k]) fail(`adc eulerGrad d/d${k} ${alloc.grad[k]} !== eulerGradInto ${grads[0][k]} ${where}`);
      // central difference with a relative step: 1e-5, and 1e-4 for h (h is 1e-4 at 100,000
      // steps, and the output's rounding noise over 100,000 steps swamps smaller steps)
      const i = PARAMS.indexOf(k);
      const d = (k === "h" ? 1e-4 : 1e-5) * Math.abs(p[i]);
      const pp = p.slice() as unknown as [number, number, number, number, number];
      const pm = p.slice() as unknown as [number, number, number, number, number];
      pp[i] += d;
      pm[i] -= d;
      const fd = (euler(...pp) - euler(...pm)) / (pp[i] - pm[i]);
      const msg = `d/d${k} ${where}: ${intos.map(([n], j) => `${n} ${grads[j][k]}`).join(", ")}, central difference ${fd}`;
      for (let j = 0; j < grads.length; j++) {
        if (!Number.isFinite(grads[j][k])) fail(msg);
        if (!close(grads[j][k], grads[0][k], 1e-10)) fail(`${intos[j][0]} != adc: ${msg}`);
        if (Math.abs(grads[j][k] - fd) > 1e-6 * Math.max(1, Math.abs(fd), Math.abs(grads[j][k])))
          fail(`${intos[j][0]} != central difference: ${msg}`);
      }
    }
  }
}

// the fixture's known points (forward-mode values), at 1,000 steps
function checkKnown(gen: GradModule): number {
  const file = path.join(__dirname, "..", "fixtures", "control-flow", "euler-integration", "case.json");
  const known = JSON.parse(fs.readFileSync(file, "utf8")).functions.euler.known as {
    args: Args;
    value: number;
    grad: Record<string, number>;
    tol: number;
  }[];
  for (const k of known) {
    for (const [name, g] of [
      ["adc", gen.eulerGradInto],
      ["hand", eulerHand],
      ["hand (stores x)", eulerHandRecompute],
      ["hand (plain)", eulerHandPlain],
    ] as [string, Into][]) {
      const rec = record();
      const v = g(...k.args, rec);
      const bad = [
        Math.abs(v - k.value) > k.tol ? `value ${v} vs ${k.value}` : "",
        ...PARAMS.map((p) =>
          Math.abs(rec[p] - k.grad[p]) > k.tol * Math.max(1, Math.abs(k.grad[p])) ? `d/d${p} ${rec[p]} vs ${k.grad[p]}` : "",
        ),
      ].filter(Boolean);
      if (bad.length) throw new Error(`bench check failed: ${name} at the fixture's known point (${k.args.join(", ")}): ${bad.join("; ")}`);
    }
  }
  return known.length;
}

// ---------------------------------------------------------------------------------------
// 4. Memory: bytes the reverse sweep needs, and bytes allocated per call.

interface Memory {
  steps: number;
  perSet: { adc: number; adcStacks: Record<string, number>; hand: number; handR: number; handP: number }[];
}

function memory(gen: GradModule, w: Workload): Memory {
  const stacks = Object.entries(gen.eulerGradStacks);
  const perSet = w.args.map((p) => {
    for (const [, s] of stacks) s.resetPeak();
    gen.eulerGradInto(...p, record());
    const adcStacks = Object.fromEntries(stacks.map(([name, s]) => [name, s.peakBytes]));
    for (const [name, s] of stacks) if (s.length !== 0) throw new Error(`${name} not empty after a call (length ${s.length})`);
    eulerHandPlain(...p, record());
    const handP = eulerHandPlainBytes(); // what that call stored (branch-dependent)
    return {
      adc: Object.values(adcStacks).reduce((x, y) => x + y, 0),
      adcStacks,
      hand: eulerHandBytes(p[4]),
      handR: eulerHandRecomputeBytes(p[4]),
      handP,
    };
  });
  return { steps: w.steps, perSet };
}

/**
 * Heap bytes a warm variant allocates per call: used heap after minus before, plus what every
 * GC inside the window freed (v8.GCProfiler reports each GC's heap before and after), less the
 * same count for a window of 0 calls; the median of 5 windows. No --expose-gc needed.
 */
function allocatedPerCall(run: (n: number) => number, calls: number): number {
  const window = (n: number): number => {
    const profiler = new v8.GCProfiler();
    const u0 = v8.getHeapStatistics().used_heap_size;
    profiler.start();
    sink += run(n);
    const stats = profiler.stop();
    const u1 = v8.getHeapStatistics().used_heap_size;
    let freed = 0;
    for (const g of stats.statistics) freed += g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize;
    return u1 - u0 + freed;
  };
  const samples: number[] = [];
  for (let k = 0; k < 5; k++) samples.push((window(calls) - window(0)) / calls);
  return median(samples);
}

// ---------------------------------------------------------------------------------------
// 5. Timing.

interface Measured {
  batch: number;
  perCall: Record<Key, number[]>; // ns per call, one entry per timed round
}

function timeBatch(run: (n: number) => number, n: number): number {
  const t0 = performance.now();
  const r = run(n);
  const t1 = performance.now();
  sink += r;
  return ((t1 - t0) * 1e6) / n;
}

function warm(w: Workload): void {
  const calls = Math.max(4, Math.round(4e6 / w.steps) * 2); // ~8e6 steps per variant
  for (const k of ORDER) w.variants[k](calls);
}

function measure(w: Workload, rounds: number, warmup: number, targetMs: number): Measured {
  warm(w);
  const probe = Math.max(2, Math.round(4e5 / w.steps) * 2);
  const nsHand = Math.min(...[0, 1, 2].map(() => timeBatch(w.variants.hand, probe)));
  const batch = Math.max(2, Math.round((targetMs * 1e6) / nsHand / 2) * 2); // even: both argument sets equally
  const perCall = interleave(ORDER, (k) => timeBatch(w.variants[k], batch), rounds, warmup);
  return { batch, perCall };
}

// ---------------------------------------------------------------------------------------
// 6. Report.

const TARGET = 1.2;

const f2 = (x: number) => x.toFixed(2);
const us = (ns: number) => (ns / 1000).toFixed(ns < 1e5 ? 2 : 0);
const row = (name: string, xs: number[], fmt: (x: number) => string) =>
  `  ${name.padEnd(40)}${fmt(median(xs)).padStart(12)}${`[${fmt(quantile(xs, 0.25))}, ${fmt(quantile(xs, 0.75))}]`.padStart(22)}`;

function report(w: Workload, m: Measured, mem: Memory, alloc: Record<Key, number>, rounds: number): string {
  const p = m.perCall;
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / b[i]);
  const handBest: Key = median(p.hand) <= median(p.handR) ? "hand" : "handR";
  const rows: [string, number[]][] = [
    ["adc value+grad / forward", ratio(p.adc, p.forward)],
    ["hand (x, g) value+grad / forward", ratio(p.hand, p.forward)],
    ["hand (x only) value+grad / forward", ratio(p.handR, p.forward)],
    ["hand (plain) value+grad / forward", ratio(p.handP, p.forward)],
    ["adc / hand (x, g)", ratio(p.adc, p.hand)],
    ["adc / hand (x only)", ratio(p.adc, p.handR)],
    ["adc / hand (plain)", ratio(p.adc, p.handP)],
    ["adc eulerGrad / adc eulerGradInto", ratio(p.alloc, p.adc)],
  ];
  const L: string[] = [];
  L.push(`${w.title}   (${rounds} timed rounds x ${m.batch.toLocaleString("en-US")} calls per variant)`);
  L.push(`  ${"variant".padEnd(40)}${"median us/call".padStart(12)}${"IQR".padStart(22)}`);
  for (const k of ORDER) L.push(row(NAMES[k], p[k], us));
  L.push(`  ${"paired ratio, per round".padEnd(40)}${"median".padStart(12)}${"IQR".padStart(22)}`);
  for (const [name, xs] of rows) L.push(row(name, xs, f2));

  L.push(`  memory the reverse sweep reads (peak bytes after one call; per step):`);
  const setName = ["rising set (mostly tanh)", "falling set (mostly sin)"];
  mem.perSet.forEach((s, i) => {
    const per = (b: number) => `${b.toLocaleString("en-US")} B (${(b / w.steps).toFixed(3)} B/step)`;
    const parts = Object.entries(s.adcStacks)
      .map(([n, b]) => `${n} ${b.toLocaleString("en-US")}`)
      .join(", ");
    L.push(`    ${setName[i]}: adc stacks ${per(s.adc)} [${parts}]`);
    L.push(`    ${"".padEnd(setName[i].length)}  hand (x, g) ${per(s.hand)}; hand (x only) ${per(s.handR)}`);
    L.push(`    ${"".padEnd(setName[i].length)}  hand (plain) ${per(s.handP)}`);
  });
  const b = (x: number) => `${Math.round(x).toLocaleString("en-US")} B (${(x / w.steps).toFixed(2)} B/step)`;
  L.push(`  heap bytes allocated per call, warm (v8.GCProfiler; median of 5 windows):`);
  L.push(`    adc eulerGradInto ${b(alloc.adc)}; adc eulerGrad ${b(alloc.alloc)}`);
  L.push(`    hand (x, g) ${b(alloc.hand)}; hand (x only) ${b(alloc.handR)}; hand (plain) ${b(alloc.handP)}; forward ${b(alloc.forward)}`);

  // the ratio against each hand variant: tuned (the faster of the two above) and plain
  const against = (k: Key, label: string): string => {
    const r = ratio(p.adc, p[k]);
    const med = median(r);
    const q3 = quantile(r, 0.75);
    return `${f2(med)}x ${label}: ${med <= TARGET ? "MEETS" : "MISSES"}${med <= TARGET && Number(f2(q3)) > TARGET ? ` (upper quartile ${f2(q3)} above it)` : ""}`;
  };
  const handLabel = handBest === "hand" ? "hand (x, g)" : "hand (x only)";
  L.push(
    `  verdict, speed: adc value+grad is ${against(handBest, `the faster tuned hand adjoint, ${handLabel}`)}; ${against("handP", "the plain hand adjoint, hand (plain)")} (target <= ${TARGET}x)`,
  );
  const worst = Math.max(...mem.perSet.map((s) => s.adc)) / w.steps;
  const handPerStep = 16; // 2 values x 8 bytes, no bits (the branch is recomputed from x)
  L.push(
    `  verdict, memory: ${worst <= handPerStep ? "MEETS" : "MISSES"} the target: adc stacks hold up to ${worst.toFixed(3)} B/step; the hand adjoint keeps 2 values/step = ${handPerStep} B/step (target <= 8 B per hand value)`,
  );
  return L.join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, dflt: number) => positiveOption(argv, name, dflt);
  const rounds = Math.round(opt("--rounds", 61));
  const targetMs = opt("--ms", 12);
  const warmup = 5;

  const t0 = performance.now();
  const gen = await generate();
  const workloads = [1_000, 100_000].map((steps) => workload(gen, steps));
  const nKnown = checkKnown(gen);
  for (const w of workloads) check(gen, w);
  console.log(
    `generated bench/euler-functions.grad.ts; every variant agrees with the others, with central differences and with the fixture's ${nKnown} known points`,
  );

  const cpus = os.cpus();
  const load0 = os.loadavg();
  const results: { w: Workload; m: Measured; mem: Memory; alloc: Record<Key, number> }[] = [];
  for (const w of workloads) {
    // memory and allocation first (warm code), then the timing with its own warm-up rounds
    warm(w);
    const mem = memory(gen, w);
    const calls = Math.max(2, Math.round(1e6 / w.steps) * 2);
    const alloc = {} as Record<Key, number>;
    for (const k of ORDER) alloc[k] = allocatedPerCall(w.variants[k], calls);
    const m = measure(w, rounds, warmup, targetMs);
    results.push({ w, m, mem, alloc });
  }
  const load1 = os.loadavg();

  console.log("");
  console.log(`adc loop benchmark: explicit Euler with a branch in the loop, value + gradient versus forward and hand-written adjoints`);
  console.log(
    `machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} logical CPUs, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()} ${os.arch()}`,
  );
  console.log(
    `node ${process.version} (V8 ${process.versions.v8}); load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after; runtime ${runtimeNote()}`,
  );
  console.log(
    `method: variants interleaved round by round in rotating order after ${warmup} warm-up rounds; calls alternate between 2 argument sets`,
  );
  console.log("");
  for (const r of results) {
    console.log(report(r.w, r.m, r.mem, r.alloc, rounds));
    console.log("");
  }
  console.log(
    `targets: adc eulerGradInto within ${TARGET}x of the hand adjoint (median of per-round ratios); adc stacks <= 8 B per value the hand adjoint keeps per step`,
  );
  console.log(`sink ${sink.toPrecision(6)}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exitCode = 1;
});
