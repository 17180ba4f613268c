// A check of the comparison libraries (bench/suite/tfjs.ts, bench/suite/jax.ts):
//   npx tsx bench/suite/check-libs.ts [--no-time] [--lib NAME[,NAME]] [--workload NAME[,NAME]]
// runs every library on every workload of bench/suite/types.ts at a small size and at the full
// size, on two argument sets, and compares value and gradient with a plain-JS float64 forward
// written here (central differences for the gradient: every coordinate at the small size, up to 48
// per gradient part at the full size). Printed per library x workload x size: the value's relative
// error and the gradient's max |g - fd| / max(|fd|, |g|) over the coordinates checked (the
// libraries compute in float32: ~1e-7..1e-5 expected, more through the 1,000-step recurrence).
// Then, unless --no-time, a rough per-call timing at the full size: prepare time, first call, and
// the median per-call time over 7 batches (each ~50 ms, after ~300 ms of warm-up) of calls
// alternating the two sets.
// Exit code 1 if an error is above 1e-3 or a library leaks tensors (tfjs: tf.memory().numTensors).

import { performance } from "node:perf_hooks";
import { benchRequire, loadLibraries, type MlpParams } from "./deps.js";
import { WORKLOADS, type Args, type Library, type ValueAndGrad, type WorkloadName } from "./types.js";

// ---------------------------------------------------------------------------------------
// Arguments.

let seed = 12345;
const rand = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const unif = (s = 1) => (2 * rand() - 1) * s;
const vec = (n: number, s = 1) => Array.from({ length: n }, () => unif(s));
const mat = (m: number, n: number, s = 1) => Array.from({ length: m }, () => vec(n, s));
const int = (n: number) => Math.floor(rand() * n);

type Size = "small" | "full";

function makeArgs(w: WorkloadName, size: Size, set: 0 | 1): Args {
  const full = size === "full";
  switch (w) {
    case "neuron":
      return set === 0 ? [0.3, -0.5, 0.1, 1.2, -0.7] : [-0.8, 0.4, 0.25, 0.6, 1.5];
    case "mlp-1":
    case "mlp-32": {
      const [I, H, O] = full ? [64, 128, 10] : [4, 5, 3];
      const p: MlpParams = { W1: mat(H, I, 1 / Math.sqrt(I)), b1: vec(H, 0.1), W2: mat(O, H, 1 / Math.sqrt(H)), b2: vec(O, 0.1) };
      if (w === "mlp-1") return [p, vec(I), int(O)];
      const B = full ? 32 : 3;
      return [p, mat(B, I), Array.from({ length: B }, () => int(O))];
    }
    case "normwx-nested":
    case "normwx-flat": {
      const n = full ? 256 : 5;
      const W = mat(n, n, 1 / Math.sqrt(n));
      const x = vec(n);
      return w === "normwx-nested" ? [W, x] : [Float64Array.from(W.flat()), Float64Array.from(x), n];
    }
    case "logreg": {
      const [N, D] = full ? [1000, 20] : [7, 3];
      return [vec(D, 0.5), unif(0.2), mat(N, D), Array.from({ length: N }, () => (rand() < 0.5 ? -1 : 1)), 0.01];
    }
    case "recurrence": {
      // bench/euler.ts's two sets: one rises through x = 1 (mostly the tanh branch), one falls through it
      const steps = full ? 1000 : 20;
      const h = 10 / steps;
      return set === 0 ? [2, 0.5, 0.5, h, steps] : [0.5, 0.8, 2.5, h, steps];
    }
    case "conv1d": {
      const [C, k, n] = full ? [8, 5, 256] : [2, 3, 12];
      return [mat(C, k, 0.5), vec(C, 0.1), vec(n)];
    }
  }
}

// ---------------------------------------------------------------------------------------
// Plain-JS float64 forwards.

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function mlpLoss(p: MlpParams, X: number[][], labels: number[]): number {
  let L = 0;
  X.forEach((x, r) => {
    const h = p.W1.map((row, j) => Math.tanh(p.b1[j] + row.reduce((s, w, k) => s + w * x[k], 0)));
    const s = p.W2.map((row, o) => p.b2[o] + row.reduce((t, w, j) => t + w * h[j], 0));
    const m = Math.max(...s);
    L += m + Math.log(s.reduce((t, v) => t + Math.exp(v - m), 0)) - s[labels[r]];
  });
  return L;
}

function forward(w: WorkloadName, a: Args): number {
  switch (w) {
    case "neuron": {
      const [w0, w1, w2, x0, x1] = a as number[];
      return sigmoid(w0 * x0 + w1 * x1 + w2);
    }
    case "mlp-1":
      return mlpLoss(a[0] as MlpParams, [a[1] as number[]], [a[2] as number]);
    case "mlp-32":
      return mlpLoss(a[0] as MlpParams, a[1] as number[][], a[2] as number[]);
    case "normwx-nested": {
      const [W, x] = a as [number[][], number[]];
      return W.reduce((s, row) => s + row.reduce((q, v, j) => q + v * x[j], 0) ** 2, 0);
    }
    case "normwx-flat": {
      const [W, x, n] = a as [Float64Array, Float64Array, number];
      let s = 0;
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let j = 0; j < n; j++) q += W[i * n + j] * x[j];
        s += q * q;
      }
      return s;
    }
    case "logreg": {
      const [wv, b, X, y, lambda] = a as [number[], number, number[][], number[], number];
      const data = X.reduce((s, x, i) => s + softplus(-y[i] * (b + x.reduce((t, v, j) => t + v * wv[j], 0))), 0) / X.length;
      return data + (lambda / 2) * wv.reduce((s, v) => s + v * v, 0);
    }
    case "recurrence": {
      const [aa, b, x0, h, steps] = a as number[];
      const n = Math.round(steps);
      let x = x0;
      for (let i = 0; i < n; i++) {
        const g = x > 1 ? Math.sin(1) + Math.cos(1) * Math.tanh(x - 1) : Math.sin(x);
        x = x + h * (aa * g - b * x * x);
      }
      return x;
    }
    case "conv1d": {
      const [K, bias, x] = a as [number[][], number[], number[]];
      let L = 0;
      K.forEach((ker, c) => {
        for (let i = 0; i + ker.length <= x.length; i++) {
          let y = bias[c];
          for (let j = 0; j < ker.length; j++) y += ker[j] * x[i + j];
          if (y > 0) L += 0.5 * y * y;
        }
      });
      return L;
    }
  }
}

/** The differentiated parts of the arguments, in the flattening order of types.ts: [owner, key] slots per part. */
type Slot = [Record<number, number>, number];
function parts(w: WorkloadName, a: Args): Slot[][] {
  const all = (x: unknown): Slot[] => {
    if (Array.isArray(x) && Array.isArray(x[0])) return (x as number[][]).flatMap(all);
    const v = x as Record<number, number> & ArrayLike<number>;
    return Array.from({ length: v.length }, (_, j): Slot => [v, j]);
  };
  const scalar = (i: number): Slot[] => [[a as unknown as Record<number, number>, i]];
  switch (w) {
    case "neuron":
      return [0, 1, 2, 3, 4].map(scalar);
    case "mlp-1":
    case "mlp-32": {
      const p = a[0] as MlpParams;
      return [all(p.W1), all(p.b1), all(p.W2), all(p.b2)];
    }
    case "normwx-nested":
    case "normwx-flat":
      return [all(a[0]), all(a[1])];
    case "logreg":
      return [all(a[0]), scalar(1)];
    case "recurrence":
      return [0, 1, 2, 3].map(scalar);
    case "conv1d":
      return [all(a[0]), all(a[1]), all(a[2])];
  }
}

/** Central differences at the chosen coordinates (indices into the flattened gradient). */
function centralDiff(w: WorkloadName, args: Args, size: Size): { idx: number[]; fd: number[] } {
  const a = structuredClone(args);
  const ps = parts(w, a);
  const idx: number[] = [];
  const fd: number[] = [];
  let base = 0;
  for (const slots of ps) {
    const take =
      size === "small" || slots.length <= 48
        ? slots.map((_, i) => i)
        : Array.from({ length: 48 }, (_, i) => Math.floor((i * slots.length) / 48));
    for (const i of take) {
      const [o, k] = slots[i];
      const x = o[k];
      const e = 1e-6 * Math.max(1, Math.abs(x));
      o[k] = x + e;
      const fp = forward(w, a);
      o[k] = x - e;
      const fm = forward(w, a);
      o[k] = x;
      idx.push(base + i);
      fd.push((fp - fm) / (2 * e));
    }
    base += slots.length;
  }
  return { idx, fd };
}

// ---------------------------------------------------------------------------------------

function option(name: string): string[] | undefined {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1].split(",");
}

const fmt = (x: number) => (x === 0 ? "0" : x.toExponential(1));
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3)) + " ms";

interface TfMemory {
  memory(): { numTensors: number };
}

async function main() {
  const onlyLibs = option("--lib");
  const onlyWorkloads = option("--workload") as WorkloadName[] | undefined;
  const timing = !process.argv.includes("--no-time");
  const t0 = performance.now();
  let libs: Library[] = await loadLibraries();
  console.log(`libraries: ${libs.map((l) => l.name).join(", ")} (loaded in ${ms(performance.now() - t0)})`);
  if (onlyLibs) libs = libs.filter((l) => onlyLibs.includes(l.name));
  const workloads = onlyWorkloads ?? WORKLOADS;
  const tf = (): TfMemory => benchRequire("@tensorflow/tfjs") as TfMemory;

  let bad = 0;
  const times: string[] = [];
  for (const lib of libs) {
    for (const w of workloads) {
      for (const size of ["small", "full"] as Size[]) {
        const sets: [Args, Args] = [makeArgs(w, size, 0), makeArgs(w, size, 1)];
        const tPrep = performance.now();
        let vg: ValueAndGrad | undefined;
        try {
          vg = await lib.prepare(w, sets);
        } catch (e) {
          console.log(`${lib.name.padEnd(10)} ${w.padEnd(14)} ${size.padEnd(5)} prepare FAILED: ${e instanceof Error ? e.stack : e}`);
          bad++;
          continue;
        }
        const prepMs = performance.now() - tPrep;
        if (!vg) {
          console.log(`${lib.name.padEnd(10)} ${w.padEnd(14)} ${size.padEnd(5)} not supported`);
          continue;
        }
        const tensors0 = lib.name.startsWith("tfjs") ? tf().memory().numTensors : 0;
        let worstV = 0;
        let worstG = 0;
        let firstMs = 0;
        for (const set of [0, 1] as const) {
          const tc = performance.now();
          let v: number;
          try {
            v = vg.run(sets[set]);
          } catch (e) {
            console.log(`${lib.name.padEnd(10)} ${w.padEnd(14)} ${size.padEnd(5)} run FAILED: ${e instanceof Error ? e.stack : e}`);
            bad++;
            break;
          }
          if (set === 0) firstMs = performance.now() - tc;
          const g = vg.lastGradient();
          const v64 = forward(w, sets[set]);
          const total = parts(w, sets[set]).reduce((n, p) => n + p.length, 0);
          if (g.length !== total) {
            console.log(`${lib.name} ${w} ${size}: gradient of length ${g.length}, expected ${total}`);
            bad++;
          }
          const { idx, fd } = centralDiff(w, sets[set], size);
          let scale = 0;
          for (const x of fd) scale = Math.max(scale, Math.abs(x));
          for (const x of g) scale = Math.max(scale, Math.abs(x));
          let err = 0;
          idx.forEach((i, k) => (err = Math.max(err, Math.abs(g[i] - fd[k]))));
          worstG = Math.max(worstG, scale > 0 ? err / scale : err);
          worstV = Math.max(worstV, Math.abs(v - v64) / Math.max(Math.abs(v64), 1e-300));
        }
        // leak check: more calls, the same number of tensors
        for (let i = 0; i < 4; i++) vg.run(sets[i & 1]);
        const leaked = lib.name.startsWith("tfjs") ? tf().memory().numTensors - tensors0 : 0;
        const flag = worstV > 1e-3 || worstG > 1e-3 || leaked !== 0 ? "  <-- BAD" : "";
        if (flag) bad++;
        console.log(
          `${lib.name.padEnd(10)} ${w.padEnd(14)} ${size.padEnd(5)} value rel err ${fmt(worstV).padEnd(8)} grad err ${fmt(worstG).padEnd(8)}` +
            (lib.name.startsWith("tfjs") ? ` tensors leaked ${leaked}` : "") +
            flag,
        );
        if (timing && size === "full") {
          // rough: warm up for ~300 ms (at least 2 calls), then the per-call time of 7 batches of ~50 ms
          // each, alternating the two sets
          let calls = 0;
          const t1 = performance.now();
          while (calls < 2 || (performance.now() - t1 < 300 && calls < 2000)) vg.run(sets[calls++ & 1]);
          const est = (performance.now() - t1) / calls;
          const batch = Math.max(1, Math.round(50 / Math.max(est, 1e-3)));
          const per: number[] = [];
          for (let r = 0; r < 7; r++) {
            const tb = performance.now();
            for (let i = 0; i < batch; i++) vg.run(sets[i & 1]);
            per.push((performance.now() - tb) / batch);
          }
          per.sort((x, y) => x - y);
          times.push(
            `${lib.name.padEnd(10)} ${w.padEnd(14)} prepare ${ms(prepMs).padStart(10)}  first call ${ms(firstMs).padStart(10)}  per call ${ms(per[3]).padStart(10)}  (batch ${batch}, min ${ms(per[0])}, max ${ms(per[6])})`,
          );
        }
        vg.dispose?.();
      }
    }
  }
  if (times.length) console.log(`\nper-call times at the full size (median of 7 batches):\n${times.join("\n")}`);
  console.log(bad ? `\n${bad} problem(s)` : "\nall agree");
  process.exitCode = bad ? 1 : 0;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
